"""The command line: ``python -m gradebook report|letters SCORES.csv [--config course.toml]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gradebook import __version__
from gradebook.config import load_config, load_scale
from gradebook.report import build_rows, format_letters, format_report, letter_counts
from gradebook.roster import read_scores


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gradebook", description="Final grades from a CSV of scores.")
    parser.add_argument("--version", action="version", version=f"gradebook {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    report = commands.add_parser("report", help="every student's final percent and letter")
    letters = commands.add_parser("letters", help="how many students got each letter")
    for sub in (report, letters):
        sub.add_argument("scores", help="the scores CSV (student_id, name, one column per item)")
        sub.add_argument("--config", help="the course TOML (default: course.toml next to the CSV)")
        sub.add_argument("--curve", type=float, default=0.0, help="points added to every final percent")
    letters.add_argument("--scale", help="a registrar scale JSON to use instead of the course cutoffs")
    return parser


def _config_path(args):
    if args.config:
        return Path(args.config)
    return Path(args.scores).with_name("course.toml")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(_config_path(args))
        students = read_scores(args.scores)
    except (OSError, ValueError) as exc:
        print(f"gradebook: {exc}", file=sys.stderr)
        return 1
    if getattr(args, "scale", None):
        config.cutoffs = load_scale(args.scale)
    rows = build_rows(students, config, curve=args.curve)
    if args.command == "report":
        # TODO: an --output option to write the report as CSV for the registrar
        print(format_report(rows, title=config.name))
    else:
        letters = list(config.cutoffs) + ["F"]
        print(format_letters(letter_counts(rows, letters)))
    return 0
