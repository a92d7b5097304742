"""The command line: python -m henhouse [--file CSV] {log,week,hens,grades}."""

from __future__ import annotations

import argparse

from henhouse import __version__
from henhouse.eggs import Egg, load_eggs
from henhouse.grades import count_grades, grade
from henhouse.laying import summarise_hens
from henhouse.parsing import parse_date
from henhouse.weekly import best_week, hen_counts_by_week, weekly_totals


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="henhouse", description="The egg log of a backyard flock.")
    parser.add_argument("--version", action="version", version=f"henhouse {__version__}")
    parser.add_argument("--file", default="data/eggs.csv", help="the egg log (default: data/eggs.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="every egg, oldest first")
    log.add_argument("--since", type=parse_date, metavar="DATE", help="only the eggs from this day on")
    # TODO: a --csv flag on log, for the egg money spreadsheet
    week = commands.add_parser("week", help="eggs, average weight and shell trouble per week")
    week.add_argument("--by-hen", action="store_true", help="also each hen's eggs that week")
    commands.add_parser("hens", help="each hen: eggs, laying rate, average weight and status")
    grades = commands.add_parser("grades", help="how many small, medium, large and very large eggs")
    grades.add_argument("--since", type=parse_date, metavar="DATE", help="only the eggs from this day on")
    return parser


def since(eggs: list[Egg], day):
    return [egg for egg in eggs if day is None or egg.day >= day]


def cmd_log(args, eggs):
    for egg in since(eggs, args.since):
        print(f"{egg.day.isoformat()}  {egg.hen:<10}  {egg.weight_g:5.1f} g  {grade(egg.weight_g):<10}  {egg.shell}")
    return 0


def cmd_week(args, eggs):
    by_hen = hen_counts_by_week(eggs) if args.by_hen else {}
    for week in weekly_totals(eggs):
        line = f"{week.start.isoformat()}  {week.eggs:3d} eggs  {week.mean_weight:5.1f} g avg  {week.trouble} soft/cracked"
        if args.by_hen:
            line += "  " + ", ".join(f"{hen} {n}" for hen, n in by_hen[week.start].items())
        print(line)
    best = best_week(eggs)
    if best is not None:
        print(f"best week: {best.start.isoformat()} ({best.eggs} eggs fit to sell)")
    return 0


def cmd_hens(args, eggs):
    for hen in summarise_hens(eggs):
        print(
            f"{hen.hen:<10}  {hen.eggs:3d} eggs  {hen.rate:4.2f}/day  {hen.mean_weight_g:5.1f} g  "
            f"last {hen.last_day.isoformat()} ({hen.days_since} days ago)  {hen.status}"
        )
    return 0


def cmd_grades(args, eggs):
    for name, count in count_grades(since(eggs, args.since)).items():
        print(f"{name:<10}  {count:3d}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    eggs = load_eggs(args.file)
    handlers = {"log": cmd_log, "week": cmd_week, "hens": cmd_hens, "grades": cmd_grades}
    return handlers[args.command](args, eggs)
