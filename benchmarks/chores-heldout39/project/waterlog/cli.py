"""The command line: python -m waterlog [--file CSV] {log,daily,weekly,leaks}."""

from __future__ import annotations

import argparse
import sys

from waterlog import __version__
from waterlog.readings import load_readings, parse_date
from waterlog.usage import daily_usage, leak_days, mains_cost, per_person, rain_share, usage_band, weekly_usage
from waterlog.volumes import format_volume


def build_parser():
    parser = argparse.ArgumentParser(prog="waterlog", description="A household water-meter and rain-barrel log.")
    parser.add_argument("--version", action="version", version=f"waterlog {__version__}")
    parser.add_argument("--file", default="data/readings.csv", help="the log CSV (default: data/readings.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="every reading, as read from the log")
    log.add_argument("--since", type=parse_date, metavar="DATE", help="only the readings on or after DATE")
    daily = commands.add_parser("daily", help="use per meter per day, with the usage band")
    daily.add_argument("--people", type=int, default=2, help="people in the house (default: 2)")
    commands.add_parser("weekly", help="totals per Monday-to-Sunday week, rain share and mains cost")
    commands.add_parser("leaks", help="days the mains use jumped: a leak?")
    # TODO: a --json flag on weekly, for the spreadsheet
    return parser


def cmd_log(args, readings):
    if args.since:
        readings = [reading for reading in readings if reading.day >= args.since]
    for reading in readings:
        line = f"{reading.day.isoformat()}  {reading.meter:<6}  {format_volume(reading.litres):>9}  {reading.note}"
        print(line.rstrip())
    return 0


def cmd_daily(args, readings):
    for day in daily_usage(readings):
        line = (
            f"{day.day.isoformat()}  main {format_volume(day.main):>8}  garden {format_volume(day.garden):>8}"
            f"  barrel {format_volume(day.barrel):>8}"
        )
        if day.main:
            each = per_person(day.main, args.people)
            line += f"  {each:4.0f} L/person  {usage_band(each)}"
        print(line)
    return 0


def cmd_weekly(args, readings):
    for week in weekly_usage(daily_usage(readings)):
        share = rain_share(week.garden, week.barrel)
        rain = "-" if share is None else f"{share:.0%}"
        print(
            f"w/c {week.start.isoformat()}  main {format_volume(week.main):>8}  garden {format_volume(week.garden):>8}"
            f"  barrel {format_volume(week.barrel):>8}  rain {rain:>4}  £{mains_cost(week.main):.2f}"
        )
    return 0


def cmd_leaks(args, readings):
    flagged = leak_days(daily_usage(readings))
    if not flagged:
        print("no leak suspected")
    for day, usual in flagged:
        ratio = day.main / usual
        print(f"{day.day.isoformat()}  {format_volume(day.main):>8}  usual {format_volume(usual):>6}  ({ratio:.1f}x)")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        readings = load_readings(args.file)
    except (OSError, ValueError) as exc:
        print(f"waterlog: {exc}", file=sys.stderr)
        return 2
    handlers = {"log": cmd_log, "daily": cmd_daily, "weekly": cmd_weekly, "leaks": cmd_leaks}
    try:
        return handlers[args.command](args, readings)
    except ValueError as exc:
        print(f"waterlog: {exc}", file=sys.stderr)
        return 2
