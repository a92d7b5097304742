"""The command line: python -m yarnstash [--file CSV] {list,totals,enough}."""

from __future__ import annotations

import argparse

from yarnstash import __version__
from yarnstash.project import check_yarn, find_yarn
from yarnstash.stash import load_stash
from yarnstash.totals import grand_total, totals_by_fibre, totals_by_weight


def build_parser():
    parser = argparse.ArgumentParser(prog="yarnstash", description="A knitter's yarn stash.")
    parser.add_argument("--version", action="version", version=f"yarnstash {__version__}")
    parser.add_argument("--file", default="data/stash.csv", help="the stash CSV (default: data/stash.csv)")
    # TODO: a --json flag for list and totals, for scripts
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every yarn in the stash")
    listing.add_argument("--fibre", help="only yarns whose fibre mentions this (e.g. merino)")
    totals = commands.add_parser("totals", help="metres and skeins per weight (or per fibre)")
    totals.add_argument("--by", choices=("weight", "fibre"), default="weight")
    enough = commands.add_parser("enough", help="is there enough of a yarn for a pattern?")
    enough.add_argument("yarn", help="part of the yarn's name or brand")
    enough.add_argument("metres", type=float, help="the metres the pattern asks for")
    return parser


def cmd_list(args, yarns):
    if args.fibre:
        yarns = [y for y in yarns if args.fibre.strip().lower() in y.fibre]
    for y in yarns:
        print(f"{y.brand} {y.name} ({y.colour}): {y.weight}, {y.fibre}, {y.skeins:g} x {y.metres_per_skein:.0f} m")
    print(f"{len(yarns)} yarns")
    return 0


def cmd_totals(args, yarns):
    rows = totals_by_weight(yarns) if args.by == "weight" else totals_by_fibre(yarns)
    for total in rows:
        print(f"{total.key:<10} {total.skeins:5g} skeins {total.metres:8.0f} m  ({total.yarns} yarns)")
    print(f"{'all':<10} {grand_total(yarns):20.0f} m")
    return 0


def cmd_enough(args, yarns):
    found = find_yarn(yarns, args.yarn)
    if not found:
        print(f"no yarn matches {args.yarn!r}")
        return 1
    for yarn in found:
        verdict = check_yarn(yarn, args.metres)
        label = f"{yarn.brand} {yarn.name} ({yarn.colour})"
        if verdict.enough:
            print(f"{label}: enough ({verdict.needed} skeins needed, {yarn.skeins:g} in the stash)")
        else:
            print(f"{label}: short by {verdict.short} skeins ({verdict.needed} needed, {yarn.skeins:g} in the stash)")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    yarns = load_stash(args.file)
    handlers = {"list": cmd_list, "totals": cmd_totals, "enough": cmd_enough}
    return handlers[args.command](args, yarns)
