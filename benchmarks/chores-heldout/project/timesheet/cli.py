"""The command line: ``python -m timesheet summary|invoice|report EXPORT.csv``."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from .billing import BillingError, invoice_lines, load_rates
from .entries import EntryError, load_entries
from .report import invoice_table, render_report, summary_table
from .summary import KEYS, filter_entries


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not 0 <= value < 100:
        raise argparse.ArgumentTypeError(f"a discount is from 0 to 99%, not {text}")
    return value / 100


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timesheet", description="Hours and invoices from a timesheet export.")
    commands = parser.add_subparsers(dest="command", required=True)

    summary = commands.add_parser("summary", help="hours per project, person, task or week")
    summary.add_argument("export", help="the CSV export of the time tracker")
    summary.add_argument("--by", choices=sorted(KEYS), default="project", help="group by (default: project)")
    summary.add_argument("--project", help="only this project")
    summary.add_argument("--since", type=_day, help="from this day (YYYY-MM-DD, inclusive)")
    summary.add_argument("--until", type=_day, help="up to this day (YYYY-MM-DD, inclusive)")
    summary.add_argument("--markdown", action="store_true", help="a markdown table")

    invoice = commands.add_parser("invoice", help="the invoice lines of the billable hours")
    invoice.add_argument("export", help="the CSV export of the time tracker")
    invoice.add_argument("--rates", required=True, help="CSV of person,project,rate")
    invoice.add_argument("--project", help="only this project")
    invoice.add_argument("--discount", type=_percent, default=0.0, help="percent off the total, e.g. 10")
    invoice.add_argument("--markdown", action="store_true", help="a markdown table")

    report = commands.add_parser("report", help="the monthly report")
    report.add_argument("export", help="the CSV export of the time tracker")
    report.add_argument("--rates", help="CSV of person,project,rate (adds the billing section)")
    report.add_argument("--markdown", action="store_true", help="markdown instead of plain text")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        entries = load_entries(args.export)
        if args.command == "summary":
            entries = filter_entries(entries, project=args.project, since=args.since, until=args.until)
            print(summary_table(entries, args.by, args.markdown))
        elif args.command == "invoice":
            entries = filter_entries(entries, project=args.project)
            lines = invoice_lines(entries, load_rates(args.rates))
            print(invoice_table(lines, args.discount, args.markdown))
        else:
            rates = load_rates(args.rates) if args.rates else None
            print(render_report(entries, rates, args.markdown), end="")
    except (EntryError, BillingError, ValueError, OSError) as exc:
        print(f"timesheet: {exc}", file=sys.stderr)
        return 1
    return 0
