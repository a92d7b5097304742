"""The command line: python -m allot [--file CSV] {plots,rent,inspect}."""

from __future__ import annotations

import argparse
from datetime import date

from allot import __version__
from allot.inspection import count_by_status, findings
from allot.plots import Plot, load_plots
from allot.rent import format_pounds, rents, year_start
from allot.units import format_area, to_rods


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def current_rent_year(today: date) -> int:
    """The rent year that ``today`` falls in (it starts on 1 October)."""
    return today.year if today >= year_start(today.year) else today.year - 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="allot", description="The register of a community allotment site.")
    parser.add_argument("--version", action="version", version=f"allot {__version__}")
    parser.add_argument("--file", default="data/plots.csv", help="the register CSV (default: data/plots.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    plots = commands.add_parser("plots", help="every plot with its holder and size")
    plots.add_argument("--site", help="only the plots of this site letter")
    rent = commands.add_parser("rent", help="each plot's rent for a rent year, and the total")
    rent.add_argument("--year", type=int, help="the rent year (starting 1 October; default: the current one)")
    inspect = commands.add_parser("inspect", help="plots that need a letter or a visit, worst first")
    inspect.add_argument("--on", type=_day, help="the day to judge overdue visits on (default: today)")
    # TODO: a --site filter for rent and inspect as well
    return parser


def cmd_plots(args: argparse.Namespace, plots: list[Plot]) -> int:
    if args.site:
        plots = [plot for plot in plots if plot.site == args.site.upper()]
    for plot in plots:
        area = format_area(plot.area_m2)
        print(f"{plot.plot:<5} {plot.holder:<20} {area:>10} ({to_rods(plot.area_m2):g} rods)  {plot.cultivated}%")
    return 0


def cmd_rent(args: argparse.Namespace, plots: list[Plot]) -> int:
    year = args.year if args.year is not None else current_rent_year(date.today())
    found = rents(plots, year)
    for rent in found:
        part = "" if rent.months == 12 else f"  ({rent.months} months)"
        print(f"{rent.plot.plot:<5} {rent.plot.holder:<20} {format_pounds(rent.pence):>9}{part}")
    total = sum(rent.pence for rent in found)
    print(f"total {year}-{year + 1}: {format_pounds(total)} from {len(found)} plots")
    return 0


def cmd_inspect(args: argparse.Namespace, plots: list[Plot]) -> int:
    today = args.on or date.today()
    for finding in findings(plots, today):
        plot = finding.plot
        note = "  (inspection overdue)" if finding.overdue else ""
        print(f"{plot.plot:<5} {plot.cultivated:>3}%  {finding.status:<8}{note}".rstrip())
    counts = count_by_status(plots)
    print(", ".join(f"{count} {status}" for status, count in counts.items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    plots = load_plots(args.file)
    handlers = {"plots": cmd_plots, "rent": cmd_rent, "inspect": cmd_inspect}
    return handlers[args.command](args, plots)
