"""The command line: python -m plantcare [--plants CSV] [--log CSV] {due,plan,water}."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from plantcare import __version__
from plantcare.amounts import format_volume, water_ml
from plantcare.log import Watering, append_watering, load_log
from plantcare.plants import find_plant, load_plants
from plantcare.schedule import due_plants, plan


def build_parser():
    parser = argparse.ArgumentParser(prog="plantcare", description="Which house plants need water, and when.")
    parser.add_argument("--version", action="version", version=f"plantcare {__version__}")
    parser.add_argument("--plants", default="data/plants.csv", help="the plants CSV (default: data/plants.csv)")
    parser.add_argument("--log", default="data/waterings.csv", help="the watering log (default: data/waterings.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    due = commands.add_parser("due", help="the plants that need water")
    due.add_argument("--date", type=date.fromisoformat, help="as of this day (default: today)")
    ahead = commands.add_parser("plan", help="what to water on each of the next days")
    ahead.add_argument("--from", dest="start", type=date.fromisoformat, help="the first day (default: today)")
    ahead.add_argument("--days", type=int, default=7, help="how many days (default: 7)")
    water = commands.add_parser("water", help="write a watering into the log")
    water.add_argument("plant", help="the plant's name")
    water.add_argument("--ml", type=int, help="how much water (default: the plant's usual amount)")
    water.add_argument("--date", type=date.fromisoformat, help="the day (default: today)")
    water.add_argument("--fed", action="store_true", help="fertiliser went in too")
    return parser


def describe(overdue):
    if overdue is None:
        return "never watered"
    if overdue == 0:
        return "due today"
    return f"{overdue} day{'s' if overdue != 1 else ''} overdue"


def cmd_due(args, plants, log):
    today = args.date or date.today()
    due = due_plants(plants, log, today)
    if not due:
        print(f"nothing to water on {today.isoformat()}")
    # TODO: colour the overdue plants when stdout is a terminal
    for plant, overdue in due:
        print(f"{plant.name:<18} {plant.room:<12} {format_volume(water_ml(plant)):>7}  {describe(overdue)}")
    return 0


def cmd_plan(args, plants, log):
    start = args.start or date.today()
    for day, todo in plan(plants, log, start, args.days):
        names = ", ".join(plant.name for plant in todo) or "-"
        print(f"{day.isoformat()} {day.strftime('%a')}  {names}")
    return 0


def cmd_water(args, plants, log):
    plant = find_plant(plants, args.plant)
    if plant is None:
        print(f"plantcare: no plant called {args.plant!r} in {args.plants}", file=sys.stderr)
        return 1
    watering = Watering(args.date or date.today(), plant.name, args.ml or water_ml(plant), args.fed)
    append_watering(args.log, watering)
    print(f"{plant.name}: {format_volume(watering.ml)} on {watering.day.isoformat()}")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    plants = load_plants(args.plants)
    log = load_log(args.log)
    handlers = {"due": cmd_due, "plan": cmd_plan, "water": cmd_water}
    return handlers[args.command](args, plants, log)
