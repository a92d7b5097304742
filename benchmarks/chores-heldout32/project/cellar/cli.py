"""The command line: python -m cellar [--file CSV] {list,ready,value}."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Sequence
from datetime import date

from cellar import __version__
from cellar.bottles import COLOURS, Lot, load_cellar
from cellar.value import format_money, summary
from cellar.window import STATUSES, window_status


def plain(text: str) -> str:
    """Lower case without accents or surrounding spaces: "Rhône " and "rhone" are the same region."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def size_text(millilitres: int) -> str:
    if millilitres % 10 == 0:
        return f"{millilitres // 10}cl"
    return f"{millilitres / 10:g}cl"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cellar", description="The book of a home wine cellar.")
    parser.add_argument("--version", action="version", version=f"cellar {__version__}")
    parser.add_argument("--file", default="data/cellar.csv", help="the cellar book (default: data/cellar.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every lot, by colour and region")
    listing.add_argument("--region", help="only the lots from this region (case and accents do not matter)")
    ready = commands.add_parser("ready", help="what to drink in a year, most urgent first")
    ready.add_argument("--year", type=int, default=date.today().year, help="the year (default: this one)")
    value = commands.add_parser("value", help="bottles, litres and what they cost, per colour or region")
    value.add_argument("--by", choices=("colour", "region"), default="colour", help="group by (default: colour)")
    value.add_argument("--by-region", action="store_true", help=argparse.SUPPRESS)  # deprecated: --by region
    # TODO: a `drink` command that takes a bottle off a lot
    return parser


def cmd_list(args: argparse.Namespace, lots: list[Lot]) -> int:
    if args.region:
        lots = [lot for lot in lots if plain(lot.region) == plain(args.region)]
    lots = sorted(lots, key=lambda lot: (COLOURS.index(lot.colour), plain(lot.region), plain(lot.producer)))
    for lot in lots:
        print(
            f"{lot.colour:<9}  {lot.vintage_text:<4}  {lot.producer}, {lot.wine} ({lot.region})  "
            f"{lot.qty} x {size_text(lot.size_ml)}  {lot.drinking_window}"
        )
    return 0


def cmd_ready(args: argparse.Namespace, lots: list[Lot]) -> int:
    year: int = args.year
    rows = [(window_status(lot.drinking_window, year), lot) for lot in lots if lot.qty > 0]
    rows = [(status, lot) for status, lot in rows if status != "wait"]
    rows.sort(key=lambda row: (STATUSES.index(row[0]), row[1].drinking_window.end or 9999, row[1].label))
    if not rows:
        print(f"nothing is ready to drink in {year}")
    for status, lot in rows:
        print(f"{status:<13}  {lot.label}  ({lot.drinking_window})  x{lot.qty}")
    return 0


def cmd_value(args: argparse.Namespace, lots: list[Lot]) -> int:
    by: str = args.by
    if args.by_region:
        print("cellar: --by-region is deprecated, use --by region", file=sys.stderr)
        by = "region"
    groups, total = summary(lots, by)
    print(f"{by:<16}  {'bottles':>7}  {'litres':>7}  {'paid':>10}")
    for name, totals in groups.items():
        print(f"{name:<16}  {totals.bottles:>7}  {totals.litres:>7.2f}  {format_money(totals.pence):>10}")
    print(f"{'total':<16}  {total.bottles:>7}  {total.litres:>7.2f}  {format_money(total.pence):>10}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lots = load_cellar(args.file)
    handlers = {"list": cmd_list, "ready": cmd_ready, "value": cmd_value}
    return handlers[args.command](args, lots)
