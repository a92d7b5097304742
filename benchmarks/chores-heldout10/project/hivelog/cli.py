"""The command line: python -m hivelog [--file CSV] [--harvests CSV] {status,mites,due,harvest}."""

from __future__ import annotations

import argparse
from datetime import date

from hivelog import __version__
from hivelog.harvest import jars_filled, load_harvests, totals_by_hive
from hivelog.inspections import latest_by_hive, load_inspections, queenless_streak
from hivelog.schedule import due_list
from hivelog.varroa import classify_load, latest_counts, mite_rate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hivelog", description="A beekeeper's hive log.")
    parser.add_argument("--version", action="version", version=f"hivelog {__version__}")
    parser.add_argument("--file", default="data/inspections.csv", help="the inspections CSV")
    parser.add_argument("--harvests", default="data/harvests.csv", help="the harvests CSV")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("status", help="each hive as it was at its latest inspection")
    commands.add_parser("mites", help="each hive's latest mite wash: rate per 100 bees and level")
    due = commands.add_parser("due", help="when each hive is due its next inspection")
    due.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    harvest = commands.add_parser("harvest", help="honey per hive in kg and 340 g jars")
    harvest.add_argument("--year", type=int, default=None, help="only this year's harvests")
    return parser


def cmd_status(args: argparse.Namespace) -> int:
    inspections = load_inspections(args.file)
    for hive, last in latest_by_hive(inspections).items():
        queen = "queen seen" if last.queen_seen else f"no queen seen ({queenless_streak(inspections, hive)}x)"
        line = f"{hive:<10} {last.day.isoformat()}  {last.brood_frames:2d} brood frames  {queen}  {last.temper}"
        if last.mites is not None:
            rate = mite_rate(last.mites, last.bees_sampled)
            line += f"  mites {rate:.1f}% ({classify_load(rate)})"
        print(line)
    return 0


def cmd_mites(args: argparse.Namespace) -> int:
    counts = latest_counts(load_inspections(args.file))
    if not counts:
        print("no alcohol wash recorded yet")
    for count in counts:
        print(f"{count.hive:<10} {count.day.isoformat()}  {count.rate:4.1f}%  {count.level}")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    today = args.today or date.today()
    for row in due_list(load_inspections(args.file), today):
        if row.days_overdue > 0:
            when = f"{row.days_overdue} days overdue"
        elif row.days_overdue == 0:
            when = "due today"
        else:
            when = f"in {-row.days_overdue} days"
        print(f"{row.hive:<10} last {row.last.isoformat()}  due {row.due.isoformat()}  {when}")
    return 0


def cmd_harvest(args: argparse.Namespace) -> int:
    totals = totals_by_hive(load_harvests(args.harvests), args.year)
    # TODO: show the number of supers taken off next to each hive's total
    for hive, kilograms in totals.items():
        print(f"{hive:<10} {kilograms:6.1f} kg  {jars_filled(kilograms):4d} jars")
    total = sum(totals.values())
    print(f"{'total':<10} {total:6.1f} kg  {jars_filled(total):4d} jars")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"status": cmd_status, "mites": cmd_mites, "due": cmd_due, "harvest": cmd_harvest}
    return handlers[args.command](args)
