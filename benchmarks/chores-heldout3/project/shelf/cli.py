"""``python -m shelf``: the overdue list and the fees owed, from the library's CSV exports."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from .catalog import load_books, load_members
from .loans import load_loans, parse_date
from .report import fee_lines, overdue_lines


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data", type=Path, default=Path("data"), help="folder with books.csv, members.csv and loans.csv"
    )
    common.add_argument("--today", type=parse_date, default=None, help="the date to count from (YYYY-MM-DD)")
    parser = argparse.ArgumentParser(prog="shelf", description="Overdue books and late fees.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("overdue", parents=[common], help="loans still out after their due date")
    # TODO: a --format csv option for the front desk's spreadsheet
    commands.add_parser("fees", parents=[common], help="late fees owed, per member")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    today = args.today or date.today()
    books = load_books(args.data / "books.csv")
    members = load_members(args.data / "members.csv")
    loans = load_loans(args.data / "loans.csv")
    if args.command == "overdue":
        lines = overdue_lines(loans, books, members, today)
        empty = "nothing overdue"
    else:
        lines = fee_lines(loans, members, today)
        empty = "no fees owed"
    for line in lines or [empty]:
        print(line)
    return 0
