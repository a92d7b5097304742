"""The command line: python -m moorlog [--file CSV] {stays,fees,tides}."""

from __future__ import annotations

import argparse

from moorlog import __version__
from moorlog.fees import fees_by_boat, fees_by_pontoon, format_money, stay_fee, total_fees
from moorlog.log import load_stays
from moorlog.tides import high_waters, tidal_range_trend


def build_parser():
    parser = argparse.ArgumentParser(prog="moorlog", description="The harbour's mooring and tide log.")
    parser.add_argument("--version", action="version", version=f"moorlog {__version__}")
    parser.add_argument("--file", default="data/moorings.csv", help="the log CSV (default: data/moorings.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    stays = commands.add_parser("stays", help="every stay with its fee")
    stays.add_argument("--pontoon", help="only the stays on this pontoon (A, B, C or V)")
    fees = commands.add_parser("fees", help="the fees per boat and the total")
    fees.add_argument("--by-pontoon", action="store_true", help="total per pontoon instead of per boat")
    commands.add_parser("tides", help="the high water noted each day, springs or neaps")
    return parser


def cmd_stays(args, stays):
    if args.pontoon:
        stays = [stay for stay in stays if stay.pontoon == args.pontoon.strip().upper()]
    for stay in stays:
        fee = format_money(stay_fee(stay.length_m, stay.nights))
        nights = f"{stay.nights} night{'s' if stay.nights != 1 else ''}"
        print(f"{stay.arrived.isoformat()}  {stay.berth:<4} {stay.boat:<14} {stay.length_m:5.1f} m  {nights:<9} {fee:>8}")
    return 0


def cmd_fees(args, stays):
    totals = fees_by_pontoon(stays) if args.by_pontoon else fees_by_boat(stays)
    for name, amount in totals.items():
        print(f"{name:<14} {format_money(amount):>9}")
    print(f"{'total':<14} {format_money(total_fees(stays)):>9}")
    return 0


def cmd_tides(args, stays):
    waters = high_waters(stays)
    for water in waters:
        print(f"{water.day.isoformat()}  {water.at.strftime('%H:%M')}  {water.height_m:4.1f} m  {water.kind}")
    print(f"range {tidal_range_trend(waters)}")  # TODO: show the low waters too once we log them
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    stays = load_stays(args.file)
    handlers = {"stays": cmd_stays, "fees": cmd_fees, "tides": cmd_tides}
    return handlers[args.command](args, stays)
