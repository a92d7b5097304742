"""The command line: python -m brewlog [--file CSV] {list,styles,best}."""

from __future__ import annotations

import argparse

from brewlog import __version__
from brewlog.batches import load_batches
from brewlog.scores import band, mean_score, ranked
from brewlog.stats import style_summaries


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="brewlog", description="A homebrewer's batch log.")
    parser.add_argument("--version", action="version", version=f"brewlog {__version__}")
    parser.add_argument("--file", default="data/batches.csv", help="the batches CSV (default: data/batches.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every batch with its ABV and tasting score")
    listing.add_argument("--style", help="only batches of this style (any case)")
    styles = commands.add_parser("styles", help="batches, ABV, attenuation and score per style")
    styles.add_argument("--min-batches", type=int, default=1, metavar="N", help="only styles brewed N times or more")
    best = commands.add_parser("best", help="the best-scored batches")
    best.add_argument("--top", type=int, default=3, metavar="N", help="how many (default: 3)")
    # TODO: a `show BATCH` command with everything about one batch
    return parser


def cmd_list(args: argparse.Namespace, batches: list) -> int:
    if args.style:
        batches = [batch for batch in batches if batch.style.lower() == args.style.lower()]
    for batch in batches:
        mean = mean_score(batch.scores)
        score = "not tasted" if mean is None else f"score {mean:.1f}"
        print(f"{batch.batch_id}  {batch.brewed.isoformat()}  {batch.name:<20} {batch.style:<18} "
              f"{batch.abv:4.1f}% ABV  {score}")
    return 0


def cmd_styles(args: argparse.Namespace, batches: list) -> int:
    for summary in style_summaries(batches, args.min_batches):
        score = "not tasted" if summary.mean_score is None else f"score {summary.mean_score:.1f}"
        count = f"{summary.batches} batch" if summary.batches == 1 else f"{summary.batches} batches"
        print(f"{summary.style:<18} {count:<10} {summary.mean_abv:4.1f}% ABV  "
              f"{summary.mean_attenuation:3.0f}% attenuation  {score}")
    return 0


def cmd_best(args: argparse.Namespace, batches: list) -> int:
    for place, (batch, mean) in enumerate(ranked(batches, args.top), start=1):
        print(f"{place}. {batch.batch_id} {batch.name} ({batch.style})  {mean:.1f}  {band(mean)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    batches = load_batches(args.file)
    handlers = {"list": cmd_list, "styles": cmd_styles, "best": cmd_best}
    return handlers[args.command](args, batches)
