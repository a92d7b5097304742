"""The command line: python -m creel [--file CSV] {log,bests,bags,specimens}."""

from __future__ import annotations

import argparse
import sys

from creel import __version__
from creel.catches import load_catches, parse_date
from creel.specimens import specimens
from creel.stats import personal_bests, session_bags
from creel.units import format_weight


def build_parser():
    parser = argparse.ArgumentParser(prog="creel", description="A coarse angler's catch log.")
    parser.add_argument("--version", action="version", version=f"creel {__version__}")
    parser.add_argument("--file", default="data/catches.csv", help="the catch log (default: data/catches.csv)")  # TODO: remember the last --file
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="every fish, oldest first")
    log.add_argument("--since", type=parse_date, metavar="DATE", help="only fish caught on or after this day")
    commands.add_parser("bests", help="the heaviest fish of each species")
    bags = commands.add_parser("bags", help="fish and total weight per session")
    bags.add_argument("--water", help="only the sessions on this water")
    commands.add_parser("specimens", help="specimen and near-specimen fish")
    return parser


def describe(catch):
    length = "-" if catch.length_cm is None else f"{catch.length_cm:g}cm"
    fate = "kept" if catch.kept else "returned"
    weight = format_weight(catch.grams)
    return f"{catch.day.isoformat()}  {catch.water:<18} {catch.species:<8} {weight:>9}  {length:>7}  {fate}"


def cmd_log(args, catches):
    if args.since:
        catches = [catch for catch in catches if catch.day >= args.since]
    for catch in catches:
        print(describe(catch))
    return 0


def cmd_bests(args, catches):
    for species, catch in personal_bests(catches).items():
        print(f"{species:<8} {format_weight(catch.grams):>9}  {catch.day.isoformat()}  {catch.water}")
    return 0


def cmd_bags(args, catches):
    bags = session_bags(catches, args.water)
    if not bags:
        print("no sessions")
    for bag in bags:
        kinds = ", ".join(sorted(bag.species))
        print(f"{bag.day.isoformat()}  {bag.water:<18} {bag.fish:>2} fish  {format_weight(bag.grams):>10}  ({kinds})")
    return 0


def cmd_specimens(args, catches):
    found = specimens(catches)
    if not found:
        print("no specimens yet")
    for catch, verdict in found:
        print(f"{verdict:<8}  {catch.species:<8} {format_weight(catch.grams):>9}  {catch.day.isoformat()}  {catch.water}")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        catches = load_catches(args.file)
    except (OSError, ValueError) as exc:
        print(f"creel: {args.file}: {exc}", file=sys.stderr)
        return 1
    handlers = {"log": cmd_log, "bests": cmd_bests, "bags": cmd_bags, "specimens": cmd_specimens}
    return handlers[args.command](args, catches)
