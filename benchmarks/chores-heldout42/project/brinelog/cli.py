"""The command line: python -m brinelog [--file CSV] {jars,brine,summary,ready}."""

from __future__ import annotations

import argparse
from datetime import date

from brinelog import __version__
from brinelog.brine import format_percent, rate_brine
from brinelog.duration import format_days
from brinelog.jars import STATUSES, load_jars, parse_date
from brinelog.stats import ready_by, summarise


def build_parser():
    parser = argparse.ArgumentParser(prog="brinelog", description="A home pickling and fermentation log.")
    parser.add_argument("--version", action="version", version=f"brinelog {__version__}")
    parser.add_argument("--file", default="data/jars.csv", help="the jar log CSV (default: data/jars.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    jars = commands.add_parser("jars", help="every jar: started, brine, time, ready day, status")
    jars.add_argument("--since", type=parse_date, help="only jars started on or after this day")
    jars.add_argument("--status", choices=STATUSES, help="only jars with this status")
    commands.add_parser("brine", help="each jar's brine strength and its rating")
    commands.add_parser("summary", help="per vegetable: jars, opened, spoiled, average brine and time")
    ready = commands.add_parser("ready", help="jars still fermenting whose time is up")
    ready.add_argument("--on", type=parse_date, default=None, help="the day to look at (default: today)")
    return parser


def cmd_jars(args, jars):
    if args.since:
        jars = [jar for jar in jars if jar.started >= args.since]
    if args.status:
        jars = [jar for jar in jars if jar.status == args.status]
    if not jars:
        print("no jars")
    for jar in jars:
        print(
            f"{jar.jar}  {jar.started.isoformat()}  {jar.vegetable:<12} {format_percent(jar.brine):>6}  "
            f"{format_days(jar.days):<14} ready {jar.ready.isoformat()}  {jar.status}"
        )
    return 0


def cmd_brine(args, jars):
    for jar in jars:
        print(f"{jar.jar}  {jar.vegetable:<12} {format_percent(jar.brine):>6}  {rate_brine(jar.brine)}")
    return 0


def cmd_summary(args, jars):
    for row in summarise(jars):
        brine = format_percent(row.average_brine) if row.average_brine is not None else "-"
        days = f"{row.average_days:.0f} days" if row.average_days is not None else "-"
        rate = f"{row.spoil_rate:.0%}" if row.spoil_rate is not None else "-"
        print(
            f"{row.vegetable:<12} {row.jars} jars  {row.opened} opened  {row.spoiled} spoiled  "
            f"brine {brine}  {days}  spoil rate {rate}"
        )
    return 0


def cmd_ready(args, jars):
    day = args.on or date.today()
    due = ready_by(jars, day)
    if not due:
        print(f"nothing ready on {day.isoformat()}")
    for jar in due:
        print(f"{jar.jar}  {jar.vegetable:<12} ready since {jar.ready.isoformat()}")
    # TODO: a --json flag for the fridge-door display script
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    jars = load_jars(args.file)
    handlers = {"jars": cmd_jars, "brine": cmd_brine, "summary": cmd_summary, "ready": cmd_ready}
    return handlers[args.command](args, jars)
