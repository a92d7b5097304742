"""The command line: python -m filmlog [--log CSV] {rolls,stocks,fixer}."""

from __future__ import annotations

import argparse
from datetime import date

from filmlog import __version__
from filmlog.chemistry import fixer_status
from filmlog.rolls import load_rolls
from filmlog.stocks import format_stops
from filmlog.units import format_time


def build_parser():
    parser = argparse.ArgumentParser(prog="filmlog", description="A darkroom log of black-and-white film.")
    parser.add_argument("--version", action="version", version=f"filmlog {__version__}")
    parser.add_argument(
        "--log", "--file", dest="log", default="data/rolls.csv", help="the log CSV (default: data/rolls.csv)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    rolls = commands.add_parser("rolls", help="every roll developed, oldest first")
    rolls.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="leave out older rolls")
    commands.add_parser("stocks", help="rolls and exposure indexes per film stock")
    fixer = commands.add_parser("fixer", help="how much the current fixer has left")
    fixer.add_argument("--mixed", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    fixer.add_argument("--litres", type=float, default=1.0, help="litres of working solution (default: 1)")
    fixer.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD")
    return parser


def cmd_rolls(args, rolls):
    if args.since:
        rolls = [roll for roll in rolls if roll.day >= args.since]
    for roll in rolls:
        stops = f"({format_stops(roll.stops)})"
        print(
            f"{roll.day.isoformat()}  {roll.film:<10} EI {roll.ei:>4} {stops:<7} "
            f"{roll.developer:<16} {format_time(roll.seconds):>6}  {roll.temp_c:.1f} °C"
        )
    return 0


def cmd_stocks(args, rolls):
    films = sorted({roll.film for roll in rolls})
    for film in films:
        mine = [roll for roll in rolls if roll.film == film]
        speeds = ", ".join(str(ei) for ei in sorted({roll.ei for roll in mine}))
        print(f"{film:<10} {len(mine):>2} rolls  EI {speeds}")
    return 0


def cmd_fixer(args, rolls):
    status = fixer_status(rolls, args.mixed, args.litres, args.today)
    print(f"mixed {status.mixed.isoformat()}: {status.rolls} of {status.capacity} rolls, "
          f"{status.age_days} days old -> {status.verdict}")
    return 0  # TODO: exit 1 when the fixer is exhausted, for a pre-session script


def main(argv=None):
    args = build_parser().parse_args(argv)
    rolls = load_rolls(args.log)
    handlers = {"rolls": cmd_rolls, "stocks": cmd_stocks, "fixer": cmd_fixer}
    return handlers[args.command](args, rolls)
