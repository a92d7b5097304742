"""The command line: python -m runlog [--file CSV] {week,bests,plan}."""

from __future__ import annotations

import argparse

from runlog import __version__
from runlog.bests import personal_bests
from runlog.pace import format_duration, format_pace
from runlog.plan import compare, load_plan
from runlog.runs import KINDS, load_runs
from runlog.weekly import weekly_totals


def build_parser():
    parser = argparse.ArgumentParser(prog="runlog", description="A runner's training log.")
    parser.add_argument("--version", action="version", version=f"runlog {__version__}")
    parser.add_argument("--file", default="data/runs.csv", help="the runs CSV (default: data/runs.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    week = commands.add_parser("week", help="distance, runs and pace per week")
    week.add_argument("--kind", choices=KINDS, help="only runs of this kind")
    commands.add_parser("bests", help="personal bests over 5k, 10k, half and marathon")
    plan = commands.add_parser("plan", help="each planned week against its target")
    plan.add_argument("--plan", default="data/plan.toml", help="the plan file (.toml or .json)")
    # TODO: a --json flag on every command, for scripts
    return parser


def cmd_week(args, runs):
    if args.kind:
        runs = [run for run in runs if run.kind == args.kind]
    for week in weekly_totals(runs):
        print(f"{week.start.isoformat()}  {week.distance_km:6.1f} km  {week.runs} runs  {format_pace(week.pace)}")
    return 0


def cmd_bests(args, runs):
    bests = personal_bests(runs)
    if not bests:
        print("no run is long enough for a personal best yet")
    for best in bests.values():
        print(f"{best.name:<9} {format_duration(best.seconds):>8}  ({best.run.day.isoformat()}, {best.run.kind})")
    return 0


def cmd_plan(args, runs):
    for planned, actual, verdict in compare(load_plan(args.plan), runs):
        print(f"{planned.start.isoformat()}  {actual:5.1f} / {planned.target_km:5.1f} km  {verdict}")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    runs = load_runs(args.file)
    handlers = {"week": cmd_week, "bests": cmd_bests, "plan": cmd_plan}
    return handlers[args.command](args, runs)
