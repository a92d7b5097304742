"""The command line: python -m brushlog [--file CSV] {sessions,projects,paints,week}."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from brushlog import __version__
from brushlog.paints import paint_usage
from brushlog.progress import summarise_projects, weekly_totals
from brushlog.sessions import Session, load_sessions, parse_date, project_name
from brushlog.units import format_minutes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="brushlog", description="A miniature painter's hobby log.")
    parser.add_argument("--version", action="version", version=f"brushlog {__version__}")
    parser.add_argument("--file", default="data/sessions.csv", help="the log CSV (default: data/sessions.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    sessions = commands.add_parser("sessions", help="every painting session, oldest first")
    sessions.add_argument("--since", type=parse_date, metavar="DATE", help="only sessions on or after DATE")
    commands.add_parser("projects", help="each project: time, models, rating and status")  # TODO: a --csv export
    commands.add_parser("paints", help="sessions and time per paint, most painting time first")
    week = commands.add_parser("week", help="painting time per week, Monday to Sunday")
    week.add_argument("--project", help="only this project's sessions")
    return parser


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _coats(count: int) -> str:
    return "-" if count == 0 else _plural(count, "coat")


def cmd_sessions(args: argparse.Namespace, sessions: list[Session]) -> int:
    if args.since is not None:
        sessions = [session for session in sessions if session.day >= args.since]
    for s in sessions:
        print(
            f"{s.day.isoformat()}  {s.project:<18} {s.models:>3}  {format_minutes(s.minutes):>5}  "
            f"{s.brand:<14} {s.colour:<16} {_coats(s.coats):<8} {s.status}"
        )
    return 0


def cmd_projects(args: argparse.Namespace, sessions: list[Session]) -> int:
    for project in summarise_projects(sessions):
        flag = "  STALLED" if project.stalled else ""
        print(
            f"{project.name:<18} {_plural(project.sessions, 'session'):<11}  {format_minutes(project.minutes):>6}  "
            f"{_plural(project.models, 'model'):<9}  {project.minutes_per_model:6.1f} min/model  "
            f"{project.rating:<11}  {project.status}{flag}"
        )
    return 0


def cmd_paints(args: argparse.Namespace, sessions: list[Session]) -> int:
    for use in paint_usage(sessions):
        count = _plural(use.sessions, "session")
        print(f"{use.brand:<14} {use.colour:<16} {count:<11}  {format_minutes(use.minutes):>6}")
    return 0


def cmd_week(args: argparse.Namespace, sessions: list[Session]) -> int:
    wanted = None if args.project is None else project_name(args.project)
    for week in weekly_totals(s for s in sessions if wanted is None or s.project == wanted):
        print(f"{week.start.isoformat()}  {format_minutes(week.minutes):>6}  {_plural(week.sessions, 'session')}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        sessions = load_sessions(args.file)
    except (OSError, ValueError, KeyError) as exc:
        print(f"brushlog: {args.file}: {exc}", file=sys.stderr)
        return 2
    handlers = {"sessions": cmd_sessions, "projects": cmd_projects, "paints": cmd_paints, "week": cmd_week}
    return handlers[args.command](args, sessions)
