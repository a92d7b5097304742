"""The command line: python -m paddlelog [--file CSV] {trips,waters,months,effort}."""

from __future__ import annotations

import argparse

from paddlelog import __version__
from paddlelog.effort import LEVEL_NAMES, effort_level, effort_points, grade_label, level_counts
from paddlelog.parse import parse_date
from paddlelog.stats import by_month, by_water, format_minutes, moving_water_km, total_distance, trip_speed
from paddlelog.trips import load_trips


def build_parser():
    parser = argparse.ArgumentParser(prog="paddlelog", description="A kayak and canoe trip log.")
    parser.add_argument("--version", action="version", version=f"paddlelog {__version__}")
    parser.add_argument("--file", default="data/trips.csv", help="the trip log (default: data/trips.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    trips = commands.add_parser("trips", help="every trip, oldest first, with its average speed")
    trips.add_argument("--since", type=parse_date, metavar="DATE", help="only trips on or after DATE")
    commands.add_parser("waters", help="totals per river or lake, the longest first")
    commands.add_parser("months", help="kilometres per month")
    effort = commands.add_parser("effort", help="effort points and level of each trip")
    effort.add_argument("--level", choices=LEVEL_NAMES, help="only the trips of this level")
    # TODO: a --json flag for months, for the club's yearly mileage sheet
    return parser


def cmd_trips(args, trips):
    if args.since:
        trips = [trip for trip in trips if trip.day >= args.since]
    for trip in trips:
        print(
            f"{trip.day.isoformat()}  {trip.water:<18} {trip.distance_km:5.1f} km  {format_minutes(trip.minutes):>5}"
            f"  {trip_speed(trip):4.1f} km/h  {trip.craft:<5}  {grade_label(trip.grade)}"
        )
    return 0


def cmd_waters(args, trips):
    for total in by_water(trips):
        print(
            f"{total.water:<18} {total.trips:2d} trips  {total.distance_km:6.1f} km  {total.speed_kmh:4.1f} km/h"
            f"  hardest {grade_label(total.hardest)}"
        )
    print(f"all waters: {len(trips)} trips, {total_distance(trips):.1f} km ({moving_water_km(trips):.1f} km on moving water)")
    return 0


def cmd_months(args, trips):
    for month, km in by_month(trips).items():
        print(f"{month}  {km:6.1f} km")
    return 0


def cmd_effort(args, trips):
    for trip in trips:
        level = effort_level(trip)
        if args.level and level != args.level:
            continue
        print(f"{trip.day.isoformat()}  {trip.water:<18} {effort_points(trip):5.1f} points  {level}")
    if not args.level:
        print("  ".join(f"{name} {count}" for name, count in level_counts(trips).items()))
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    trips = load_trips(args.file)
    handlers = {"trips": cmd_trips, "waters": cmd_waters, "months": cmd_months, "effort": cmd_effort}
    return handlers[args.command](args, trips)
