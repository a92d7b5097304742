"""The command line: python -m bplog {log,week,category}."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bplog import __version__
from bplog.category import classify, counts
from bplog.readings import load_readings, parse_date
from bplog.stats import morning_evening, weekly_averages

DEFAULT_LOG = "data/readings.csv"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bplog", description="A home blood-pressure diary.")
    parser.add_argument("--version", action="version", version=f"bplog {__version__}")
    parser.add_argument("--file", default=DEFAULT_LOG, help="the diary CSV (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="every reading with its category")
    log.add_argument("--since", type=parse_date, help="leave out readings before this day")
    commands.add_parser("week", help="averages per Monday-to-Sunday week")
    commands.add_parser("category", help="how many readings in each category")  # TODO: a --json flag for the doctor's spreadsheet
    return parser


def _log(args: argparse.Namespace) -> None:
    for r in load_readings(args.file):
        if args.since is not None and r.day < args.since:
            continue
        pulse = "-" if r.pulse is None else str(r.pulse)
        print(
            f"{r.day.isoformat()} {r.time or '--:--':>5}  {r.systolic:>3}/{r.diastolic:<3} "
            f"pulse {pulse:>3}  {r.arm:<5}  {classify(r.systolic, r.diastolic)}"
        )


def _week(args: argparse.Namespace) -> None:
    for monday, week in weekly_averages(load_readings(args.file)).items():
        pulse = "-" if week["pulse"] is None else week["pulse"]
        print(f"{monday.isoformat()}  {week['count']:>2} readings  {week['systolic']}/{week['diastolic']}  pulse {pulse}")


def _category(args: argparse.Namespace) -> None:
    readings = load_readings(args.file)
    for name, count in counts((r.systolic, r.diastolic) for r in readings).items():
        print(f"{name:<9} {count:>3}")
    for half, (systolic, diastolic) in morning_evening(readings).items():
        if systolic is not None:
            print(f"{half} average {systolic}/{diastolic}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        {"log": _log, "week": _week, "category": _category}[args.command](args)
    except (OSError, ValueError) as exc:
        print(f"bplog: {exc}", file=sys.stderr)
        return 1
    return 0
