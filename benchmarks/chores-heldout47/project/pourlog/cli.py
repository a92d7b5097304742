"""The command line: python -m pourlog [--file CSV] {batches,cure,sales}."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date

from pourlog import __version__
from pourlog.batches import load_batches
from pourlog.cure import cure_states
from pourlog.fragrance import fragrance_load, rate_batch
from pourlog.parsing import parse_date
from pourlog.sales import best_fair, fair_totals, format_money, load_sales, sell_through, unsold


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pourlog", description="A candle and soap maker's batch book.")
    parser.add_argument("--version", action="version", version=f"pourlog {__version__}")
    parser.add_argument("--file", default="data/batches.csv", help="the batch book")  # TODO: fall back to $POURLOG_FILE
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("batches", help="every batch with its fragrance load")
    cure = commands.add_parser("cure", help="when each batch is cured and ready to sell")
    cure.add_argument("--on", type=parse_date, metavar="DATE", help="the day to count from (default: today)")
    sales = commands.add_parser("sales", help="takings per fair, or how much of each batch has sold")
    sales.add_argument("--sales", default="data/sales.csv", help="the sales file (default: data/sales.csv)")
    sales.add_argument("--by-batch", action="store_true", help="units sold of each batch instead of takings")
    sales.add_argument("--csv", metavar="FILE", help="also write the takings per fair to FILE as CSV")
    return parser


def cmd_batches(args: argparse.Namespace) -> int:
    for batch in load_batches(args.file):
        load = fragrance_load(batch)
        print(
            f"{batch.code}  {batch.made.isoformat()}  {batch.product:<13}  {batch.scent:<20} "
            f"{batch.base_g:6.0f} g  {load:4.1f}%  {rate_batch(batch)}"
        )
    return 0


def cmd_cure(args: argparse.Namespace) -> int:
    today = args.on or date.today()
    for state in cure_states(load_batches(args.file), today):
        batch = state.batch
        print(f"{batch.code}  {batch.product:<13}  made {batch.made.isoformat()}  ready {state.ready.isoformat()}  "
              f"{state.status}")
    return 0


def cmd_sales(args: argparse.Namespace) -> int:
    batches = load_batches(args.file)
    sales = load_sales(args.sales)
    if args.by_batch:
        for batch, sold, rate, status in sell_through(batches, sales):
            print(f"{batch.code}  {batch.product:<13}  {batch.units:3d} made  {sold:3d} sold  {rate:4.0%}  {status}")
        left = unsold(batches, sales)
        if left:
            print("nothing sold yet: " + ", ".join(batch.code for batch in left))
        return 0
    totals = fair_totals(sales)
    for total in totals:
        print(f"{total.day.isoformat()}  {total.fair:<28} {total.units:4d} units  {format_money(total.takings_p):>9}")
    best = best_fair(totals)
    if best is not None:
        print(f"best: {best.fair} on {best.day.isoformat()} ({format_money(best.takings_p)})")
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["day", "fair", "units", "takings"])
            for total in totals:
                writer.writerow([total.day.isoformat(), total.fair, total.units, f"{total.takings_p / 100:.2f}"])
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"batches": cmd_batches, "cure": cmd_cure, "sales": cmd_sales}
    try:
        return handlers[args.command](args)
    except (OSError, ValueError) as exc:
        print(f"pourlog: {exc}", file=sys.stderr)
        return 1
