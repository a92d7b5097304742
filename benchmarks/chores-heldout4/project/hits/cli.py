"""The command line: ``python -m hits top LOG`` and ``python -m hits status LOG``."""

from __future__ import annotations

import argparse
import sys

from hits import __version__
from hits.parse import LogReader
from hits.report import format_status, format_top, human_bytes
from hits.stats import error_rate, latency_percentiles, size_percentiles, status_classes, status_counts, top_paths


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hits", description="Summaries of a web access log (common log format).")
    parser.add_argument("--version", action="version", version=f"hits {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    top = commands.add_parser("top", help="the most requested paths")
    top.add_argument("log", help="the access log to read")
    top.add_argument("-n", "--limit", type=int, default=10, help="how many paths to show (default 10)")

    status = commands.add_parser("status", help="requests by status code, error rate, latency and size")
    status.add_argument("log", help="the access log to read")
    status.add_argument("--classes", action="store_true", help="group the codes by class (2xx, 3xx, ...)")
    return parser


def load(path):
    reader = LogReader(path)
    entries = list(reader)
    if reader.skipped:
        print(f"hits: skipped {reader.skipped} malformed line(s) in {path}", file=sys.stderr)
    return entries


def cmd_top(args):
    entries = load(args.log)
    # TODO: a --json output for the dashboards
    print(format_top(top_paths(entries, args.limit)))
    return 0


def cmd_status(args):
    entries = load(args.log)
    if not entries:
        print("no requests")
        return 0
    if args.classes:
        for name, count in status_classes(entries).items():
            print(f"{name}  {count}")
    else:
        print(format_status(status_counts(entries)))
    print()
    print(f"requests: {len(entries)}  errors: {100 * error_rate(entries):.1f}%")
    latency = latency_percentiles(entries)
    if latency:
        print("latency: " + "  ".join(f"p{p:g}={ms:.0f}ms" for p, ms in latency.items()))
    sizes = size_percentiles(entries)
    print("size: " + "  ".join(f"p{p:g}={human_bytes(round(size))}" for p, size in sizes.items()))
    return 0


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "top":
            return cmd_top(args)
        return cmd_status(args)
    except FileNotFoundError as exc:
        print(f"hits: {exc.filename}: no such file", file=sys.stderr)
        return 1
