"""The command line: `python -m fleetlog summary` and `python -m fleetlog due`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from fleetlog import __version__
from fleetlog.economy import summarise
from fleetlog.records import load_fuelups
from fleetlog.report import due_lines, summary_table
from fleetlog.service import due_services, load_config

DEFAULT_LOG = Path("data/fuel.csv")
DEFAULT_CONFIG = Path("data/service.toml")


def build_parser():
    parser = argparse.ArgumentParser(prog="fleetlog", description="Fuel economy and service reminders for a fleet.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    summary = commands.add_parser("summary", help="fill-ups, distance, L/100 km and cost per km by vehicle")
    summary.add_argument("log", nargs="?", type=Path, default=DEFAULT_LOG, help="the fuel-up CSV (default: %(default)s)")
    summary.add_argument("--vehicle", help="only this vehicle")
    # TODO: a --format csv option, finance wants to paste the summary into a spreadsheet

    due = commands.add_parser("due", help="services due, by km or by date")
    due.add_argument("log", nargs="?", type=Path, default=DEFAULT_LOG, help="the fuel-up CSV (default: %(default)s)")
    due.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="service intervals (default: %(default)s)")
    due.add_argument("--today", type=date.fromisoformat, help="the date to check against (default: today)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        fuelups = load_fuelups(args.log)
        if args.command == "summary":
            summaries = summarise(fuelups)
            if args.vehicle:
                summaries = [s for s in summaries if s.vehicle == args.vehicle.strip().upper()]
            lines = summary_table(summaries)
        else:
            config = load_config(args.config)
            lines = due_lines(due_services(config, fuelups, args.today or date.today()))
    except (OSError, ValueError) as exc:
        print(f"fleetlog: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0
