"""The ``stockroom`` command."""

from __future__ import annotations

import sys
import argparse
from .reorder import reorder_list
from pathlib import Path
from .loader import LoadError, load_items
from .report import reorder_table, summary_lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stockroom", description="Inventory reports from a CSV export.")
    commands = parser.add_subparsers(dest="command", required=True)

    summary = commands.add_parser("summary", help="item count, units and stock value")
    summary.add_argument("csv", type=Path, help="the inventory export")

    reorder = commands.add_parser("reorder", help="items to reorder and how many")
    reorder.add_argument("csv", type=Path, help="the inventory export")
    reorder.add_argument("--weeks", type=int, default=4, help="weeks of usage to order for (default 4)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.csv.exists():
        print(f"error: {args.csv}: Inventroy file not found", file=sys.stderr)
        return 2
    try:
        inventory = load_items(args.csv)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "summary":
        lines = summary_lines(inventory)
    else:
        # TODO: warn when --weeks is larger than 52
        lines = reorder_table(reorder_list(inventory, args.weeks))
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
