"""The command line: python -m forage [--file CSV] {finds,totals,months,days}."""

from __future__ import annotations

import argparse

from forage import __version__
from forage.finds import load_finds
from forage.ratings import haul_by_day, rate_haul
from forage.season import best_spot, totals_by_month, totals_by_species
from forage.species import normalise_species


def format_grams(grams):
    if grams >= 1000:
        return f"{grams / 1000:.2f} kg"
    return f"{grams:.0f} g"


def build_parser():
    parser = argparse.ArgumentParser(prog="forage", description="A mushroom forager's log.")
    parser.add_argument("--version", action="version", version=f"forage {__version__}")
    parser.add_argument("--file", default="data/finds.csv", help="the finds CSV (default: data/finds.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    finds = commands.add_parser("finds", help="every find, oldest first")
    finds.add_argument("--species", help="only this species (any of its names)")
    commands.add_parser("totals", help="weight per species, and the best spot for it")
    commands.add_parser("months", help="weight and baskets per month")
    commands.add_parser("days", help="each day's haul, rated")
    return parser


def cmd_finds(args, finds):
    if args.species:
        wanted = normalise_species(args.species)
        finds = [find for find in finds if find.species == wanted]
    for find in finds:
        print(f"{find.day.isoformat()}  {find.species:<22} {format_grams(find.grams):>9}  x{find.count:<3} {find.spot}")
    return 0


def cmd_totals(args, finds):
    for species, grams in totals_by_species(finds).items():
        print(f"{species:<22} {format_grams(grams):>9}  best at {best_spot(finds, species)}")
    return 0


def cmd_months(args, finds):
    for month, grams, baskets in totals_by_month(finds):
        print(f"{month}  {format_grams(grams):>9}  {baskets} baskets")
    return 0


def cmd_days(args, finds):
    for day, grams in haul_by_day(finds).items():
        print(f"{day.isoformat()}  {format_grams(grams):>9}  {rate_haul(grams)}")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    finds = load_finds(args.file)
    handlers = {"finds": cmd_finds, "totals": cmd_totals, "months": cmd_months, "days": cmd_days}
    return handlers[args.command](args, finds)
