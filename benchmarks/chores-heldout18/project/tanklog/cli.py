"""The command line: python -m tanklog tanks | status | change."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from tanklog import __version__
from tanklog.change import TARGET_NITRATE_PPM, plan_changes
from tanklog.readings import load_readings
from tanklog.status import latest_by_tank, overview
from tanklog.tanks import read_tanks


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tanklog", description="An aquarium keeper's water test log.")
    parser.add_argument("--version", action="version", version=f"tanklog {__version__}")
    parser.add_argument("--data", default="data", help="the folder of tanks.csv and readings.csv (default: data)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("tanks", help="the tanks, their kind and volume in litres")
    status = commands.add_parser("status", help="each tank's latest test, worst first")
    status.add_argument("--date", type=date.fromisoformat, default=None, help="today's date (YYYY-MM-DD)")
    change = commands.add_parser("change", help="the water change each tank needs")
    change.add_argument(
        "--target", type=float, default=TARGET_NITRATE_PPM, help="the nitrate to aim for, in ppm (default: %(default)g)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    folder = Path(args.data)
    tanks = read_tanks(folder / "tanks.csv")
    if args.command == "tanks":
        for tank in tanks.values():
            print(f"{tank.name:<10} {tank.kind:<9} {tank.litres:6.1f} L")
        return 0
    readings = load_readings(folder / "readings.csv")
    if args.command == "status":
        today = args.date or date.today()
        for tank, reading, level, reasons, overdue in overview(tanks, readings, today):
            tested = reading.day.isoformat() if reading is not None else "never"
            note = "; ".join(reasons) or "-"
            print(f"{tank.name:<10} {level:<5} {tested:<10} {note}{' (overdue)' if overdue else ''}")
        return 0
    for change in plan_changes(tanks, latest_by_tank(readings), args.target):
        again = ", again after a day" if change.again else ""
        print(f"{change.tank:<10} nitrate {change.nitrate:g} ppm: change {change.percent}% ({change.litres} L){again}")
    return 0  # TODO: a --tank option to show one tank only
