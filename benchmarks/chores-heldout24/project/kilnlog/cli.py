"""The command line: python -m kilnlog [--file CSV] {log,check,yields}."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from kilnlog import __version__
from kilnlog.cones import target_temperature, to_fahrenheit, verdict
from kilnlog.firings import load_firings
from kilnlog.yields import by_kind, by_month, worst


def build_parser():
    parser = argparse.ArgumentParser(prog="kilnlog", description="A potter's kiln firing log.")
    parser.add_argument("--version", action="version", version=f"kilnlog {__version__}")
    parser.add_argument("--file", default="data/firings.csv", help="the firing log (default: data/firings.csv)")  # TODO: read the log's path from a config file
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="every firing, oldest first")
    log.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="only firings on or after this day")
    check = commands.add_parser("check", help="did each firing reach its cone?")
    check.add_argument("--units", choices=("c", "f"), default="c", help="temperatures in °C (default) or °F")
    check.add_argument("--fahrenheit", action="store_true", help="the same as --units f (deprecated)")
    yields = commands.add_parser("yields", help="the pieces that came out whole, per kind of firing")
    yields.add_argument("--monthly", action="store_true", help="per month instead of per kind")
    return parser


def format_minutes(minutes):
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}"


def cmd_log(args, firings):
    if args.since:
        firings = [firing for firing in firings if firing.day >= args.since]
    for firing in firings:
        print(
            f"{firing.day.isoformat()}  {firing.kind:<6}  cone {firing.cone:<3}  {firing.peak_c:4.0f} °C  "
            f"{format_minutes(firing.minutes):>5}  {firing.pieces:2d} pieces, {firing.lost} lost"
        )
    return 0


def cmd_check(args, firings):
    if args.fahrenheit:
        print("kilnlog: --fahrenheit is deprecated, use --units f", file=sys.stderr)
    fahrenheit = args.fahrenheit or args.units == "f"

    def show(celsius):
        return f"{to_fahrenheit(celsius):4.0f} °F" if fahrenheit else f"{celsius:4.0f} °C"

    for firing in firings:
        target = target_temperature(firing.cone)
        print(
            f"{firing.day.isoformat()}  {firing.kind:<6}  cone {firing.cone:<3}  peak {show(firing.peak_c)}  "
            f"target {show(target)}  {verdict(firing.peak_c, firing.cone)}"
        )
    return 0


def cmd_yields(args, firings):
    totals = by_month(firings) if args.monthly else by_kind(firings)
    for total in totals:
        print(
            f"{total.label:<8} {total.firings:3d} firings  {total.pieces:4d} pieces  {total.lost:3d} lost  "
            f"{total.rate:6.1%}"
        )
    low = worst(totals)
    if low is not None:
        print(f"lowest: {low.label} ({low.rate:.1%})")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    firings = load_firings(args.file)
    handlers = {"log": cmd_log, "check": cmd_check, "yields": cmd_yields}
    return handlers[args.command](args, firings)
