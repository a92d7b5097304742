"""The command line: python -m meterlog [--file CSV] [--tariff TOML] {usage,bill,compare}."""

from __future__ import annotations

import argparse
import re
import sys

from meterlog import __version__
from meterlog.bills import compare_months, monthly_bills
from meterlog.readings import load_readings
from meterlog.tariff import load_tariff, pounds
from meterlog.usage import monthly_usage


def month_arg(text):
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {text!r}")
    return text


def build_parser():
    parser = argparse.ArgumentParser(prog="meterlog", description="A home electricity meter log.")
    parser.add_argument("--version", action="version", version=f"meterlog {__version__}")
    parser.add_argument("--file", default="data/readings.csv", help="the readings CSV (default: data/readings.csv)")
    parser.add_argument("--tariff", default="data/tariff.toml", help="the tariff TOML (default: data/tariff.toml)")
    commands = parser.add_subparsers(dest="command", required=True)
    usage = commands.add_parser("usage", help="kWh per month: day, night, export and a daily average")
    usage.add_argument("--month", type=month_arg, help="only this month (YYYY-MM)")
    bill = commands.add_parser("bill", help="what each month costs on the tariff")
    bill.add_argument("--month", type=month_arg, help="only this month (YYYY-MM)")
    compare = commands.add_parser("compare", help="two months side by side")
    compare.add_argument("first", type=month_arg)
    compare.add_argument("second", type=month_arg)
    return parser


def cmd_usage(args, readings, tariff):
    for month in monthly_usage(readings, args.month):
        print(
            f"{month.month}  day {month.day_kwh:7.1f}  night {month.night_kwh:7.1f}  export {month.export_kwh:6.1f} kWh"
            f"  ({month.per_day():.1f} kWh/day over {month.days} days)"
        )
    return 0


def cmd_bill(args, readings, tariff):
    for bill in monthly_bills(readings, tariff, args.month):
        print(
            f"{bill.month}  {bill.import_kwh:7.1f} kWh  day {pounds(bill.day_cost):>8}  night {pounds(bill.night_cost):>8}"
            f"  standing {pounds(bill.standing_cost):>7}  export {pounds(-bill.export_credit):>8}"
            f"  total {pounds(bill.total):>8}"
        )
    return 0


def change(value):
    return "n/a" if value is None else f"{value:+.1f}%"


def cmd_compare(args, readings, tariff):
    # TODO: compare a month with the same month a year before when only one month is given
    try:
        comparison = compare_months(monthly_bills(readings, tariff), args.first, args.second)
    except KeyError as exc:
        print(f"meterlog: no readings cover {exc.args[0]}", file=sys.stderr)
        return 1
    first, second = comparison.first, comparison.second
    print(f"{'':8}{first.month:>10}{second.month:>10}{'change':>10}")
    print(f"{'kWh':8}{first.import_kwh:10.1f}{second.import_kwh:10.1f}{change(comparison.kwh_change):>10}")
    print(f"{'export':8}{first.export_kwh:10.1f}{second.export_kwh:10.1f}{change(comparison.export_change):>10}")
    print(f"{'cost':8}{pounds(first.total):>10}{pounds(second.total):>10}{change(comparison.cost_change):>10}")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    readings = load_readings(args.file)
    tariff = load_tariff(args.tariff)
    handlers = {"usage": cmd_usage, "bill": cmd_bill, "compare": cmd_compare}
    return handlers[args.command](args, readings, tariff)
