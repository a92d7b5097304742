"""The command line: python -m laps [--file CSV] {log,week,goal}."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from datetime import date

from laps import __version__
from laps.goals import judge, load_goals, month_distance
from laps.pace import format_clock, format_pace, pace_per_100m
from laps.sessions import Session, load_sessions, parse_date
from laps.weekly import weekly_totals


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="laps", description="A swimmer's pool log.")
    parser.add_argument("--version", action="version", version=f"laps {__version__}")
    parser.add_argument(
        "--file",
        default=os.environ.get("LAPS_FILE", "data/swims.csv"),
        help="the log (default: $LAPS_FILE, else data/swims.csv)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="every session: stroke, distance, time and pace")
    log.add_argument("--since", type=parse_date, help="only sessions on or after this day")
    commands.add_parser("week", help="distance, swims and pace per week")
    goal = commands.add_parser("goal", help="this month's distance against the monthly goal")
    goal.add_argument("--goals", default="data/goals.toml", help="the goals file")
    goal.add_argument("--on", type=parse_date, default=None, help="judge as of this day (default: today)")
    # TODO: a --csv flag on week for the club spreadsheet
    return parser


def cmd_log(args: argparse.Namespace, sessions: list[Session]) -> int:
    if args.since:
        sessions = [s for s in sessions if s.day >= args.since]
    for s in sessions:
        pace = format_pace(pace_per_100m(s.seconds, s.distance_m))
        print(f"{s.day.isoformat()}  {s.stroke:<12} {s.distance_m:6.0f} m  {format_clock(s.seconds):>7}  {pace}")
    return 0


def cmd_week(args: argparse.Namespace, sessions: list[Session]) -> int:
    for week in weekly_totals(sessions):
        print(
            f"{week.start.isoformat()}  {week.swims} swims  {week.distance_m:6.0f} m  "
            f"{format_clock(week.seconds):>7}  {format_pace(week.pace)}"
        )
    return 0


def cmd_goal(args: argparse.Namespace, sessions: list[Session]) -> int:
    today = args.on or date.today()
    goal_m = load_goals(args.goals).for_month(today.year, today.month)
    swum_m = month_distance(sessions, today.year, today.month)
    verdict = judge(goal_m, swum_m, today)
    share = swum_m / goal_m * 100
    print(f"{today:%B %Y}: {swum_m / 1000:.1f} of {goal_m / 1000:.1f} km ({share:.0f}%) - {verdict}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sessions = load_sessions(args.file)
    handlers: dict[str, Callable[[argparse.Namespace, list[Session]], int]] = {
        "log": cmd_log,
        "week": cmd_week,
        "goal": cmd_goal,
    }
    return handlers[args.command](args, sessions)
