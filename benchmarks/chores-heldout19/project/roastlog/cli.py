"""The command line: ``python -m roastlog roasts|profile|rest``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from roastlog import __version__
from roastlog.profile import development_ratio, dtr_verdict, roast_level, weight_loss
from roastlog.rest import rest_report
from roastlog.roasts import Roast, format_clock, load_roasts, matching
from roastlog.weights import format_grams

DEFAULT_DATA = "data/roasts.csv"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roastlog", description="A home coffee roaster's batch log.")
    parser.add_argument("--version", action="version", version=f"roastlog {__version__}")
    parser.add_argument("--data", default=DEFAULT_DATA, help=f"the batch log CSV (default: {DEFAULT_DATA})")
    commands = parser.add_subparsers(dest="command", required=True)

    roasts = commands.add_parser("roasts", help="every batch with its weight loss and roast level")
    roasts.add_argument("--bean", help="only the beans whose name contains this (any case)")

    profile = commands.add_parser("profile", help="development time ratio of each batch")
    profile.add_argument("--bean", help="only the beans whose name contains this (any case)")

    rest = commands.add_parser("rest", help="which batches are resting, ready to brew or stale")
    rest.add_argument("--on", type=date.fromisoformat, default=None, help="the day to look at (default: today)")
    return parser


def cmd_roasts(roasts: list[Roast]) -> int:
    for roast in roasts:
        loss = weight_loss(roast.green_g, roast.roasted_g)
        print(
            f"{roast.batch}  {roast.date.isoformat()}  {roast.bean:<20}  {format_grams(roast.green_g):>9} -> "
            f"{roast.roasted_g:.0f} g  {loss:4.1f}%  {roast_level(loss)}"
        )
    return 0


def cmd_profile(roasts: list[Roast]) -> int:
    for roast in roasts:
        ratio = development_ratio(roast.first_crack_s, roast.drop_s)
        crack = format_clock(roast.first_crack_s) if roast.first_crack_s is not None else "-"
        dtr = f"{ratio:.1f}%" if ratio is not None else "-"
        print(
            f"{roast.batch}  {roast.bean:<20}  FC {crack:>5}  drop {format_clock(roast.drop_s):>5}  "
            f"DTR {dtr:>5}  {dtr_verdict(ratio)}"
        )
    return 0


def cmd_rest(roasts: list[Roast], day: date) -> int:
    rows = rest_report(roasts, day)
    if not rows:
        print(f"nothing roasted by {day.isoformat()}")
        return 0
    for row in rows:
        print(
            f"{row.roast.batch}  {row.roast.date.isoformat()}  {row.roast.bean:<20}  {row.level:<11}  "
            f"ready from {row.ready.isoformat()}  best before {row.best_before.isoformat()}  {row.status}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        roasts = load_roasts(args.data)
    except (OSError, ValueError) as exc:
        print(f"roastlog: {exc}", file=sys.stderr)
        return 2
    if args.command == "roasts":
        return cmd_roasts(matching(roasts, args.bean))
    if args.command == "profile":
        return cmd_profile(matching(roasts, args.bean))
    return cmd_rest(roasts, args.on or date.today())
