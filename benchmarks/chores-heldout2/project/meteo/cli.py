"""The command line: `meteo summary FILE` and `meteo gaps FILE`."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from meteo.readings import load_readings
from meteo.report import render_markdown, render_text
from meteo.stats import daily_summary, find_gaps


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="meteo", description="Summaries and gap reports for station readings.")
    commands = parser.add_subparsers(dest="command", required=True)

    summary = commands.add_parser("summary", help="min/max/mean temperature per station and day")
    summary.add_argument("file", help="the CSV export")
    summary.add_argument("--station", help="only this station")
    summary.add_argument("--markdown", action="store_true", help="a Markdown report (with the gaps) instead of a table")
    # TODO: --since/--until to cut the export to a date range

    gaps = commands.add_parser("gaps", help="stretches without readings")
    gaps.add_argument("file", help="the CSV export")
    gaps.add_argument("--station", help="only this station")
    gaps.add_argument("--max-gap", type=int, default=60, metavar="MINUTES", help="longest normal interval (default 60)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        readings = load_readings(args.file, station=args.station)
    except (OSError, ValueError) as exc:
        print(f"meteo: {exc}", file=sys.stderr)
        return 2
    if args.command == "summary":
        summaries = daily_summary(readings)
        if args.markdown:
            sys.stdout.write(render_markdown(summaries, find_gaps(readings)))
        else:
            sys.stdout.write(render_text(summaries))
        return 0
    if args.max_gap <= 0:
        print("meteo: --max-gap must be a positive number of minutes", file=sys.stderr)
        return 2
    found = find_gaps(readings, timedelta(minutes=args.max_gap))
    for gap in found:
        print(f"{gap.station}  {gap.start:%Y-%m-%d %H:%M} -> {gap.end:%Y-%m-%d %H:%M}  {gap.minutes} min")
    if not found:
        print("no gaps")
    return 0
