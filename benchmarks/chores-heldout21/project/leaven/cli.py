"""The command line: python -m leaven [--file CSV] {feeds,flour,ready}."""

from __future__ import annotations

import argparse
from datetime import date

from leaven import __version__
from leaven.feeds import load_feeds
from leaven.health import READY_STREAK, feed_ratio, hydration, rate_feed, readiness
from leaven.pantry import BAG_G, RECENT_DAYS, bags_left, flour_by_week


def build_parser():
    parser = argparse.ArgumentParser(prog="leaven", description="A sourdough starter's feeding log.")
    parser.add_argument("--version", action="version", version=f"leaven {__version__}")
    parser.add_argument("--file", default="data/feeds.csv", help="the feeding log (default: data/feeds.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    feeds = commands.add_parser("feeds", help="every feed: flour, ratio, hydration, rise, peak and rating")
    feeds.add_argument("--since", type=date.fromisoformat, help="only feeds on or after this day (YYYY-MM-DD)")
    commands.add_parser("flour", help="flour used per week, and how long a bag of each lasts")
    commands.add_parser("ready", help="is the starter ready to bake with?")
    return parser


def describe_rise(feed):
    rise = "-" if feed.rise is None else f"{feed.rise:.1f}x"
    peak = "-" if feed.peak_h is None else f"{feed.peak_h:.1f} h"
    return rise, peak


def cmd_feeds(args, feeds):
    if args.since:
        feeds = [feed for feed in feeds if feed.fed.date() >= args.since]
    for feed in feeds:
        rise, peak = describe_rise(feed)
        print(
            f"{feed.fed:%Y-%m-%d %H:%M}  {feed.flour:<10}  {feed_ratio(feed):<9}  {hydration(feed):>3}%  "
            f"{rise:>5}  {peak:>6}  {rate_feed(feed)}"
        )
    return 0


def cmd_flour(args, feeds):
    for week, kinds in flour_by_week(feeds).items():
        used = ", ".join(f"{kind} {grams:.0f} g" for kind, grams in sorted(kinds.items()))
        print(f"week of {week.isoformat()}: {used}")
    print(f"a bag at the last {RECENT_DAYS} days' rate:")
    for kind, days in bags_left(feeds).items():
        left = "not used lately" if days is None else f"lasts {days} days"
        print(f"  {kind:<10} {BAG_G[kind]:>5} g  {left}")
    return 0


def cmd_ready(args, feeds):
    verdict = readiness(feeds)
    shown = ", ".join(" in ".join(describe_rise(feed)) for feed in verdict.counted)
    if verdict.ready:
        print(f"ready to bake: the last {READY_STREAK} feeds all rose well ({shown})")
    else:
        print(f"not yet: {verdict.good} of the last {READY_STREAK} feeds rose well ({shown or 'none noted'})")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    feeds = load_feeds(args.file)
    handlers = {"feeds": cmd_feeds, "flour": cmd_flour, "ready": cmd_ready}
    return handlers[args.command](args, feeds)
