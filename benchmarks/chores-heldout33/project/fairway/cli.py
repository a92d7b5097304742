"""The command line: python -m fairway [--file CSV] [--courses TOML] {rounds,index,stats,strokes}."""

from __future__ import annotations

import argparse
from datetime import date

from fairway import __version__
from fairway.courses import find_course, load_courses
from fairway.handicap import best_rounds, course_handicap, differential, handicap_index, recent
from fairway.rounds import TEES, Round, load_rounds
from fairway.stats import bands, monthly


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fairway", description="A golfer's scorecard log and handicap index.")
    parser.add_argument("--version", action="version", version=f"fairway {__version__}")
    parser.add_argument("--file", default="data/rounds.csv", help="the rounds CSV (default: data/rounds.csv)")
    parser.add_argument("--courses", default="data/courses.toml", help="the courses file (default: data/courses.toml)")
    commands = parser.add_subparsers(dest="command", required=True)
    rounds = commands.add_parser("rounds", help="every round: course, tees, score and differential")
    rounds.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="only rounds from this day on")
    commands.add_parser("index", help="the handicap index and the rounds it comes from")
    commands.add_parser("stats", help="rounds, average score and putts per month")
    strokes = commands.add_parser("strokes", help="the strokes you get on a course at your index")
    strokes.add_argument("course", help="the course, as you write it in the log")
    strokes.add_argument("--tees", choices=TEES, default="yellow", help="the tees (default: yellow)")
    return parser


def line(played: Round) -> str:
    score = "NR" if played.score is None else str(played.score)
    diff = differential(played)
    shown = "-" if diff is None else f"{diff:.1f}"
    return f"{played.day.isoformat()}  {played.course:<15} {played.tees:<6} {played.holes:>2}h  {score:>3}  {shown:>5}"


def cmd_rounds(args: argparse.Namespace, rounds: list[Round]) -> int:
    if args.since:
        rounds = [played for played in rounds if played.day >= args.since]
    for played in rounds:
        print(line(played))
    return 0


def cmd_index(args: argparse.Namespace, rounds: list[Round]) -> int:
    index = handicap_index(rounds)
    window = recent(rounds)
    if index is None:
        print(f"no handicap index yet: {len(window)} rounds count, it takes 3")
        return 0
    best = best_rounds(window)
    print(f"handicap index {index:.1f}: the best {len(best)} of the last {len(window)} rounds")
    for played in reversed(window):
        print(("* " if played in best else "  ") + line(played))
    return 0


def cmd_stats(args: argparse.Namespace, rounds: list[Round]) -> int:
    for month in monthly(rounds):
        average = "-" if month.average is None else f"{month.average:.1f}"
        putts = "-" if month.putts is None else f"{month.putts:.1f}"
        best = "-" if month.best is None else str(month.best)
        print(f"{month.label}  {month.played:>2} rounds  average {average:>5}  putts {putts:>4}  best {best:>3}")
    print("  ".join(f"{name}: {count}" for name, count in bands(rounds).items()))
    return 0


def cmd_strokes(args: argparse.Namespace, rounds: list[Round]) -> int:
    course = find_course(load_courses(args.courses), args.course)
    index = handicap_index(rounds)
    if index is None:
        print("no handicap index yet")
        return 1
    tees = course.tee(args.tees)
    strokes = course_handicap(index, tees.slope, tees.rating, course.par)
    print(f"{course.name}, {args.tees} tees (par {course.par}): {strokes} strokes at index {index:.1f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    rounds = load_rounds(args.file, load_courses(args.courses))
    # TODO: a --json flag for every command
    handlers = {"rounds": cmd_rounds, "index": cmd_index, "stats": cmd_stats, "strokes": cmd_strokes}
    return handlers[args.command](args, rounds)
