"""The command line: python -m pianolog [--file CSV] {log,week,streak,goal}."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from pianolog import __version__
from pianolog.goal import WEEKLY_GOAL_MINUTES, current_streak, goal_report, longest_streak
from pianolog.sessions import load_sessions, parse_date, since
from pianolog.weekly import format_minutes, weekly_totals


def build_parser():
    parser = argparse.ArgumentParser(prog="pianolog", description="A piano practice log.")
    parser.add_argument("--version", action="version", version=f"pianolog {__version__}")
    parser.add_argument("--file", default="data/sessions.csv", help="the practice log (default: data/sessions.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="every session, oldest first")
    log.add_argument("--since", type=parse_date, help="only sessions on or after this day")
    commands.add_parser("week", help="minutes per Monday-to-Sunday week, by kind")
    streak = commands.add_parser("streak", help="the current and the longest practice streak")
    streak.add_argument("--today", type=parse_date, help="the day to count back from (default: the last logged day)")
    commands.add_parser("goal", help="each week against the weekly goal")
    # TODO: a --json flag for the week and goal commands
    return parser


def cmd_log(args, sessions):
    if args.since:
        sessions = since(sessions, args.since)
    for session in sessions:
        tempo = f"{session.tempo} bpm" if session.tempo else ""
        print(f"{session.day.isoformat()}  {format_minutes(session.minutes):>7}  {session.kind:<13}  "
              f"{session.piece:<28} {tempo}".rstrip())
    return 0


def cmd_week(args, sessions):
    for week in weekly_totals(sessions):
        kinds = ", ".join(f"{kind} {minutes}" for kind, minutes in sorted(week.by_kind.items()))
        print(f"{week.start.isoformat()}  {format_minutes(week.minutes):>7}  {week.sessions} sessions  ({kinds})")
    return 0


def cmd_streak(args, sessions):
    today = args.today or (sessions[-1].day if sessions else date.today())
    print(f"current streak: {current_streak(sessions, today)} days (to {today.isoformat()})")
    days, first, last = longest_streak(sessions)
    if first and last:
        print(f"longest streak: {days} days ({first.isoformat()} to {last.isoformat()})")
    else:
        print("longest streak: none yet")
    return 0


def cmd_goal(args, sessions):
    for week, verdict in goal_report(weekly_totals(sessions)):
        print(f"{week.start.isoformat()}  {week.minutes:4d} / {WEEKLY_GOAL_MINUTES} min  {verdict}")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        sessions = load_sessions(args.file)
    except (OSError, ValueError) as exc:
        print(f"pianolog: {exc}", file=sys.stderr)
        return 1
    handlers = {"log": cmd_log, "week": cmd_week, "streak": cmd_streak, "goal": cmd_goal}
    return handlers[args.command](args, sessions)
