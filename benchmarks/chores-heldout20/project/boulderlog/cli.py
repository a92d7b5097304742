"""The command line: python -m boulderlog [--file CSV] {log,sessions,pyramid}."""

from __future__ import annotations

import argparse
from datetime import date

from boulderlog import __version__
from boulderlog.climbs import load_climbs
from boulderlog.grades import format_grade
from boulderlog.report import climb_line, pyramid_lines, session_line
from boulderlog.scoring import grade_pyramid, session_summaries, working_grade


def build_parser():
    parser = argparse.ArgumentParser(prog="boulderlog", description="A climbing gym logbook.")
    parser.add_argument("--version", action="version", version=f"boulderlog {__version__}")
    parser.add_argument("--file", default="data/climbs.csv", help="the logbook CSV")  # TODO: also read BOULDERLOG_FILE
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="every climb, oldest first")
    log.add_argument("--wall", help="only the climbs on this wall (any case)")
    sessions = commands.add_parser("sessions", help="tops, attempts, hardest top and points per day")
    sessions.add_argument("--since", type=date.fromisoformat, help="leave out the days before YYYY-MM-DD")
    pyramid = commands.add_parser("pyramid", help="problems topped per grade, and the working grade")
    pyramid.add_argument("--since", type=date.fromisoformat, help="leave out the days before YYYY-MM-DD")
    return parser


def cmd_log(args, climbs):
    if args.wall:
        climbs = [climb for climb in climbs if climb.wall.lower() == args.wall.strip().lower()]
    for climb in climbs:
        print(climb_line(climb))
    return 0


def cmd_sessions(args, climbs):
    if args.since:
        climbs = [climb for climb in climbs if climb.day >= args.since]
    for session in session_summaries(climbs):
        print(session_line(session))
    return 0


def cmd_pyramid(args, climbs):
    if args.since:
        climbs = [climb for climb in climbs if climb.day >= args.since]
    for line in pyramid_lines(grade_pyramid(climbs)):
        print(line)
    print(f"working grade: {format_grade(working_grade(climbs))}")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    climbs = load_climbs(args.file)
    handlers = {"log": cmd_log, "sessions": cmd_sessions, "pyramid": cmd_pyramid}
    return handlers[args.command](args, climbs)
