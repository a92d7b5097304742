"""The command line: python -m saillog [--file CSV] {log,season,wind}."""

from __future__ import annotations

import argparse
from datetime import date

from saillog import __version__
from saillog.passages import Passage, load_passages, parse_date
from saillog.season import LONG_PASSAGE_NM, busiest, by_conditions, long_passages, month_totals
from saillog.speed import average_knots, format_distance, format_hours, format_speed
from saillog.wind import describe


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="saillog", description="A small yacht's logbook.")
    parser.add_argument("--version", action="version", version=f"saillog {__version__}")
    parser.add_argument("--file", default="data/passages.csv", help="the logbook CSV (default: data/passages.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="one line per passage")
    log.add_argument("--since", type=parse_date, metavar="DATE", help="only passages on or after this day")
    season = commands.add_parser("season", help="miles, hours and the share sailed per month")
    season.add_argument("--km", action="store_true", help="distances in kilometres")
    commands.add_parser("wind", help="passages by conditions: light, moderate, fresh, strong")
    # TODO: a --json flag for the club's website
    return parser


def cmd_log(args: argparse.Namespace, passages: list[Passage]) -> int:
    since: date | None = args.since
    for p in passages:
        if since is not None and p.day < since:
            continue
        speed = format_speed(average_knots(p.distance_nm, p.hours))
        print(
            f"{p.day.isoformat()}  {p.route:<28} {format_distance(p.distance_nm):>8}  "
            f"{format_hours(p.hours):>5}  {speed:>7}  {describe(p.wind_force):<3}  {p.rig}"
        )
    return 0


def cmd_season(args: argparse.Namespace, passages: list[Passage]) -> int:
    totals = month_totals(passages)
    for month in totals:
        print(
            f"{month.month}  {month.passages:2d} passages  {format_distance(month.distance_nm, args.km):>9}  "
            f"{format_hours(month.hours):>6}  sailed {month.sail_share:.0%}"
        )
    top = busiest(totals)
    if top is not None:
        print(f"busiest month: {top.month}; long passages ({LONG_PASSAGE_NM} nm and more): {len(long_passages(passages))}")
    return 0


def cmd_wind(args: argparse.Namespace, passages: list[Passage]) -> int:
    for label, count in by_conditions(passages).items():
        print(f"{label:<9} {count:2d} passages")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    passages = load_passages(args.file)
    handlers = {"log": cmd_log, "season": cmd_season, "wind": cmd_wind}
    return handlers[args.command](args, passages)
