"""The command line: python -m fuelbook [--file CSV] {log,economy,costs,service}."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from fuelbook import __version__
from fuelbook.car import load_car
from fuelbook.costs import monthly_costs, pence_per_km
from fuelbook.economy import average, segments
from fuelbook.fillups import Fillup, load_fillups
from fuelbook.service import reminders

DEFAULT_FILE = "data/fillups.csv"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fuelbook", description="A car's fuel log.")
    parser.add_argument("--version", action="version", version=f"fuelbook {__version__}")
    parser.add_argument("--file", default=DEFAULT_FILE, help=f"the fill-ups CSV (default: {DEFAULT_FILE})")
    # the 1.x name of --file, kept for old scripts until 3.0
    parser.add_argument("--csv", dest="legacy_csv", metavar="CSV", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("log", help="every fill-up: litres, price, cost")
    economy = commands.add_parser("economy", help="litres per 100 km, full tank to full tank")
    economy.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD",
                         help="only the tanks that ended on or after this day")
    costs = commands.add_parser("costs", help="fuel spent per month, and per km")
    costs.add_argument("--year", type=int, help="only this calendar year's months")
    service = commands.add_parser("service", help="what is due soon on the car, worst first")
    service.add_argument("--car", default="data/car.toml", help="the car and its schedule (default: data/car.toml)")
    service.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                         help="judge as of this day (default: today)")
    # TODO: a "next fill-up" estimate from the tank size and the last economy figure
    return parser


def cmd_log(args: argparse.Namespace, fills: list[Fillup]) -> int:
    for fill in fills:
        kind = "full" if fill.full else "partial"
        print(f"{fill.day.isoformat()}  {fill.odometer:>7,} km  {fill.litres:6.2f} L  "
              f"{fill.price * 100:5.1f}p/L  £{fill.cost:6.2f}  {kind:<7}  {fill.station}")
    return 0


def cmd_economy(args: argparse.Namespace, fills: list[Fillup]) -> int:
    found = segments(fills)
    if args.since is not None:
        found = [segment for segment in found if segment.end.day >= args.since]
    if not found:
        print("no full tank to full tank yet")
        return 0
    for segment in found:
        print(f"{segment.end.day.isoformat()}  {segment.distance_km:5,} km  {segment.litres:6.2f} L  "
              f"{segment.litres_per_100km:5.1f} L/100km")
    overall = average(found)
    distance = sum(segment.distance_km for segment in found)
    print(f"average     {distance:,} km  {overall:5.1f} L/100km")
    return 0


def cmd_costs(args: argparse.Namespace, fills: list[Fillup]) -> int:
    for month in monthly_costs(fills, args.year):
        print(f"{month.month}  {month.fills} fill-ups  {month.litres:7.2f} L  £{month.cost:7.2f}")
    per_km = pence_per_km(fills)
    if per_km is not None:
        print(f"fuel per km: {per_km:.2f}p")
    return 0


def cmd_service(args: argparse.Namespace, fills: list[Fillup]) -> int:
    car = load_car(args.car)
    odometer = fills[-1].odometer if fills else car.bought_km
    today = args.today or date.today()
    for reminder in reminders(car, odometer, today):
        parts = []
        if reminder.km_left is not None:
            parts.append(f"{reminder.km_left:,} km" if reminder.km_left >= 0 else f"{-reminder.km_left:,} km over")
        if reminder.days_left is not None:
            days = reminder.days_left
            parts.append(f"{days} days" if days >= 0 else f"{-days} days over")
        print(f"{reminder.state:<8} {reminder.item.name:<16} {', '.join(parts)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.legacy_csv:
        print("fuelbook: --csv is deprecated, use --file", file=sys.stderr)
        args.file = args.legacy_csv
    fills = load_fillups(args.file)
    handlers = {"log": cmd_log, "economy": cmd_economy, "costs": cmd_costs, "service": cmd_service}
    return handlers[args.command](args, fills)
