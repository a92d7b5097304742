"""The command line: python -m spokes [--file CSV] {jobs,mechanics,takings}."""

from __future__ import annotations

import argparse

from spokes import __version__
from spokes.charges import suggested_donation, verdict
from spokes.jobs import load_jobs
from spokes.money import format_money
from spokes.report import format_minutes, mechanic_totals, month_of, monthly_takings, shortfalls, takings_for
from spokes.slips import write_slip


def build_parser():
    parser = argparse.ArgumentParser(prog="spokes", description="The job log of a community bike workshop.")
    parser.add_argument("--version", action="version", version=f"spokes {__version__}")
    parser.add_argument("--file", default="data/jobs.csv", help="the job log (default: data/jobs.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    jobs = commands.add_parser("jobs", help="every job, its suggested donation and what was given")
    jobs.add_argument("--open", action="store_true", help="only the bikes still waiting to be collected")
    jobs.add_argument("--slips", metavar="DIR", help="also write a slip for each job listed into DIR")
    commands.add_parser("mechanics", help="jobs and hours of labour per volunteer")
    takings = commands.add_parser("takings", help="parts, labour and donations per month")
    takings.add_argument("--month", metavar="YYYY-MM", help="only this month")
    # TODO: a --json flag, so the treasurer can paste into her spreadsheet
    return parser


def job_line(job):
    given = "-" if job.waiting else format_money(job.donation)
    return (
        f"{job.number}  {job.booked_in.isoformat()}  {job.bike:<24} {job.mechanic:<8} "
        f"{format_minutes(job.labour_minutes):>7}  {format_money(suggested_donation(job)):>7}  {given:>7}  "
        f"{verdict(job)}"
    )


def cmd_jobs(args, jobs):
    if args.open:
        jobs = [job for job in jobs if job.waiting]
    if not jobs:
        print("no jobs")
    for job in jobs:
        print(job_line(job))
        if args.slips:
            write_slip(job, args.slips)
    return 0


def cmd_mechanics(args, jobs):
    for total in mechanic_totals(jobs):
        print(f"{total.name:<8} {total.jobs:>2} jobs  {format_minutes(total.minutes):>8}")
    return 0


def takings_line(takings):
    return (
        f"{takings.month}  {takings.jobs:>2} jobs  parts {format_money(takings.parts):>7}  "
        f"labour {format_money(takings.labour):>7}  given {format_money(takings.given):>7}  "
        f"balance {format_money(takings.balance):>8}"
    )


def cmd_takings(args, jobs):
    months = [takings_for(jobs, args.month)] if args.month else monthly_takings(jobs)
    for takings in months:
        print(takings_line(takings))
    short = shortfalls(jobs)
    if args.month:
        short = [(job, gap) for job, gap in short if job.collected and month_of(job.collected) == args.month]
    if short:
        print("short: " + ", ".join(f"{job.number} ({format_money(gap)})" for job, gap in short))
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    jobs = load_jobs(args.file)
    handlers = {"jobs": cmd_jobs, "mechanics": cmd_mechanics, "takings": cmd_takings}
    return handlers[args.command](args, jobs)
