"""The command line: python -m curdlog [--file CSV] {batches,yield,cave,loss,styles}."""

from __future__ import annotations

import argparse
from datetime import date

from curdlog import __version__
from curdlog.batches import load_batches, parse_date
from curdlog.cave import in_cave
from curdlog.units import format_weight
from curdlog.yields import judge_loss, rennet_per_10l, style_summary, weight_loss, yield_percent


def _day(text):
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser():
    parser = argparse.ArgumentParser(prog="curdlog", description="A home cheese-maker's batch log.")
    parser.add_argument("--version", action="version", version=f"curdlog {__version__}")
    parser.add_argument("--file", default="data/batches.csv", help="the batch log (default: data/batches.csv)")  # TODO: read the path from CURDLOG_FILE as well
    commands = parser.add_subparsers(dest="command", required=True)
    batches = commands.add_parser("batches", help="every batch, one line each")
    batches.add_argument("--since", type=_day, help="only batches made on or after this day")
    yields = commands.add_parser("yield", help="yield and rennet rate per batch")
    yields.add_argument("--since", type=_day, help="only batches made on or after this day")
    cave = commands.add_parser("cave", help="the wheels still ageing and when each is ready")
    cave.add_argument("--on", type=_day, default=None, help="as on this day (default: today)")
    commands.add_parser("loss", help="weight lost in ageing by the wheels already opened")
    commands.add_parser("styles", help="batches, milk and mean yield per style")
    return parser


def cmd_batches(args, batches):
    if args.since:
        batches = [batch for batch in batches if batch.made >= args.since]
    if not batches:
        print("no batches")
    for batch in batches:
        line = f"{batch.batch}  {batch.made.isoformat()}  {batch.style:<14} {batch.milk_l:6.2f} L  {format_weight(batch.make_g):>8}"
        if batch.opened:
            line += f"  -> {format_weight(batch.aged_g):>8} at {batch.aged_days} d"
        print(line)
    return 0


def cmd_yield(args, batches):
    if args.since:
        batches = [batch for batch in batches if batch.made >= args.since]
    for batch in batches:
        rate = rennet_per_10l(batch)
        rennet = "   -   " if rate is None else f"{rate:.2f} ml"
        print(f"{batch.batch}  {batch.style:<14} {yield_percent(batch):5.1f}%  rennet {rennet} per 10 L")
    return 0


def cmd_cave(args, batches):
    on = args.on or date.today()
    entries = in_cave(batches, on)
    if not entries:
        print(f"the cave is empty on {on.isoformat()}")
    for entry in entries:
        when = "ready now" if entry.ready(on) else f"ready {entry.ready_on.isoformat()}"
        print(f"{entry.batch.batch}  {entry.batch.style:<14} {entry.age_days:4d} d  {when}")
    return 0


def cmd_loss(args, batches):
    for batch in batches:
        lost = weight_loss(batch)
        if lost is None:
            continue
        print(
            f"{batch.batch}  {batch.style:<14} {format_weight(batch.make_g):>8} -> {format_weight(batch.aged_g):>8}"
            f"  {lost:5.1f}% lost  {judge_loss(lost)}"
        )
    return 0


def cmd_styles(args, batches):
    for summary in style_summary(batches):
        print(
            f"{summary.style:<14} {summary.batches:3d} batches  {summary.milk_l:6.1f} L milk"
            f"  mean yield {summary.mean_yield:4.1f}%"
        )
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    batches = load_batches(args.file)
    handlers = {
        "batches": cmd_batches,
        "yield": cmd_yield,
        "cave": cmd_cave,
        "loss": cmd_loss,
        "styles": cmd_styles,
    }
    return handlers[args.command](args, batches)
