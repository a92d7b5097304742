"""python -m stringlog: the log, what is due, and the figures per guitar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date

from stringlog import __version__
from stringlog.log import LogError, StringChange, current_sets, load_changes
from stringlog.parsing import parse_date
from stringlog.stats import spend_by_year, summary
from stringlog.wear import wear

DEFAULT_FILE = "data/changes.csv"


def _money(value: float | None) -> str:
    return "-" if value is None else f"£{value:.2f}"


def _row(change: StringChange) -> str:
    treble, bass = change.gauge
    hours = "on" if change.hours is None else f"{change.hours:.1f} h"
    kind = "coated" if change.coated else "plain"
    return (
        f"{change.day.isoformat()}  {change.guitar:<13} {change.strings:<28} "
        f"{treble}-{bass:<4} {kind:<7} {_money(change.price):>7}  {hours}"
    )


def cmd_log(args: argparse.Namespace, changes: list[StringChange]) -> int:
    if args.since is not None:
        changes = [change for change in changes if change.day >= args.since]
    for change in changes:
        print(_row(change))
    return 0


def cmd_due(args: argparse.Namespace, changes: list[StringChange]) -> int:
    today = args.today or date.today()
    if args.as_of is not None:
        print("warning: --as-of is deprecated, use --today", file=sys.stderr)
        today = args.as_of
    for guitar, change in sorted(current_sets(changes).items()):
        state = wear(change, today)
        print(f"{guitar:<13} since {state.since.isoformat()}  {state.days:>4} days  {state.status:<6}"
              f" ({state.share:.0%})")
    return 0


def cmd_stats(args: argparse.Namespace, changes: list[StringChange]) -> int:
    for row in summary(changes):
        interval = "-" if row.mean_interval is None else f"{row.mean_interval:.0f} days"
        hours = "-" if row.mean_hours is None else f"{row.mean_hours:.1f} h"
        print(f"{row.guitar:<13} {row.changes:>2} sets  every {interval:<9}  {hours:<8} {_money(row.spent)}")
    if args.by_year:
        for year, total in spend_by_year(changes).items():
            print(f"{year}  {_money(total)}")
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace, list[StringChange]], int]] = {
    "log": cmd_log,
    "due": cmd_due,
    "stats": cmd_stats,
}


def _day(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stringlog", description="A guitar string-change log.")
    parser.add_argument("--version", action="version", version=f"stringlog {__version__}")
    parser.add_argument("--file", default=DEFAULT_FILE, help=f"the log (default: {DEFAULT_FILE})")
    sub = parser.add_subparsers(dest="command", required=True)

    log = sub.add_parser("log", help="every string change")
    log.add_argument("--since", type=_day, help="only changes on or after this day")

    due = sub.add_parser("due", help="how worn the strings on each guitar are")
    due.add_argument("--today", type=_day, help="judge as of this day (default: today)")
    due.add_argument("--as-of", dest="as_of", type=_day, help=argparse.SUPPRESS)

    stats = sub.add_parser("stats", help="sets, interval, hours and spend per guitar")
    stats.add_argument("--by-year", action="store_true", help="also the spend per calendar year")
    # TODO: a --json output for stats
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        changes = load_changes(args.file)
    except (OSError, LogError) as exc:
        print(f"stringlog: {exc}", file=sys.stderr)
        return 1
    return HANDLERS[args.command](args, changes)
