"""The command line: python -m qsolog [--log CSV] {log,bands,score}."""

from __future__ import annotations

import argparse
from datetime import date

from qsolog import __version__
from qsolog.bands import band_for, normalise_band
from qsolog.contacts import Contact, read_contacts
from qsolog.scoring import score_log
from qsolog.stats import busiest_hour, by_band, modes_by_band


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qsolog", description="An amateur radio contact log.")
    parser.add_argument("--version", action="version", version=f"qsolog {__version__}")
    parser.add_argument("--log", default="data/log.csv", help="the contact log CSV (default: data/log.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="the contacts, oldest first")
    log.add_argument("--band", help="only this band (20m, or just 20)")
    log.add_argument("--mode", help="only this mode (CW, SSB, FT8, ...)")
    commands.add_parser("bands", help="contacts per band, with their modes")
    score = commands.add_parser("score", help="the contest score")
    score.add_argument("--date", type=date.fromisoformat, help="only this UTC day (YYYY-MM-DD)")
    return parser


def cmd_log(args: argparse.Namespace, contacts: list[Contact]) -> int:
    if args.band:
        band = normalise_band(args.band)
        contacts = [contact for contact in contacts if band_for(contact.freq_mhz) == band]
    if args.mode:
        contacts = [contact for contact in contacts if contact.mode == args.mode.strip().upper()]
    for contact in contacts:
        rst = f"{contact.rst_sent}/{contact.rst_rcvd}" if contact.rst_sent or contact.rst_rcvd else ""
        print(
            f"{contact.day.isoformat()} {contact.time_utc:%H%M}  {contact.call:<12} "
            f"{band_for(contact.freq_mhz):>4} {contact.freq_mhz:8.3f}  {contact.mode:<5} {rst}".rstrip()
        )
    return 0


def cmd_bands(args: argparse.Namespace, contacts: list[Contact]) -> int:
    modes = modes_by_band(contacts)
    for band, count in by_band(contacts).items():
        used = ", ".join(f"{mode} {n}" for mode, n in modes[band].items())
        print(f"{band:>4}  {count:3d}  {used}")
    busiest = busiest_hour(contacts)
    if busiest:
        hour, count = busiest
        print(f"busiest hour: {hour:02d}00-{hour:02d}59 UTC, {count} contacts")
    return 0


def cmd_score(args: argparse.Namespace, contacts: list[Contact]) -> int:
    score = score_log(contacts, args.date)
    # TODO: show the score per band as well (the contest's log checkers do)
    for label, value in (
        ("QSOs", score.qsos),
        ("dupes", score.dupes),
        ("points", score.points),
        ("multipliers", score.multipliers),
        ("score", score.total),
    ):
        print(f"{label:<12}{value:>6}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    contacts = read_contacts(args.log)
    handlers = {"log": cmd_log, "bands": cmd_bands, "score": cmd_score}
    return handlers[args.command](args, contacts)
