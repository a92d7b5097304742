"""The command line: python -m courtbook [--file CSV] {bookings,fees,ladder}."""

from __future__ import annotations

import argparse
import sys

from courtbook import __version__
from courtbook.bookings import COURTS, Booking, load_bookings
from courtbook.fees import booking_fee, monthly_bills, parse_month
from courtbook.matches import ladder
from courtbook.report import clock, hours, pence, players


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="courtbook", description="Bookings, fees and the ladder of a tennis club.")
    parser.add_argument("--version", action="version", version=f"courtbook {__version__}")
    parser.add_argument("--file", default="data/bookings.csv", help="the bookings sheet (default: data/bookings.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("bookings", help="every booking with its fee")
    listing.add_argument("--court", type=int, choices=COURTS, metavar="N", help="only the bookings of court N")
    fees = commands.add_parser("fees", help="what each member owes")
    fees.add_argument("--month", type=parse_month, metavar="YYYY-MM", help="only the bookings of this month")
    # TODO: a --csv flag on fees for the treasurer's spreadsheet
    commands.add_parser("ladder", help="the singles ladder from the match scores")
    return parser


def cmd_bookings(args: argparse.Namespace, bookings: list[Booking]) -> int:
    if args.court is not None:
        bookings = [booking for booking in bookings if booking.court == args.court]
    total = 0
    for booking in bookings:
        fee = booking_fee(booking)
        total += fee
        when = f"{booking.day.isoformat()} {booking.day:%a}  {clock(booking.start)}-{clock(booking.end)}"
        print(f"{when}  court {booking.court}  {players(booking):<36} {pence(fee):>7}")
    print(f"{len(bookings)} bookings, {pence(total)}")
    return 0


def cmd_fees(args: argparse.Namespace, bookings: list[Booking]) -> int:
    bills = monthly_bills(bookings, args.month)
    print(f"{'member':<18} {'bookings':>8} {'hours':>6} {'hire':>8} {'lights':>7} {'guests':>7} {'total':>8}")
    for bill in bills:
        print(
            f"{bill.member:<18} {bill.bookings:>8} {hours(bill.minutes):>6} {pence(bill.hire):>8} "
            f"{pence(bill.lights):>7} {pence(bill.guests):>7} {pence(bill.total):>8}"
        )
    print(f"{'total':<18} {sum(bill.bookings for bill in bills):>8} {'':>6} {'':>8} {'':>7} {'':>7} "
          f"{pence(sum(bill.total for bill in bills)):>8}")
    return 0


def cmd_ladder(args: argparse.Namespace, bookings: list[Booking]) -> int:
    print(f"{'#':>2}  {'player':<18} {'P':>2} {'W':>2} {'L':>2}  {'sets':>5}  {'games':>7}")
    for rank, standing in enumerate(ladder(bookings), start=1):
        sets = f"{standing.sets_for}-{standing.sets_against}"
        games = f"{standing.games_for}-{standing.games_against}"
        print(
            f"{rank:>2}  {standing.name:<18} {standing.played:>2} {standing.won:>2} {standing.lost:>2}  "
            f"{sets:>5}  {games:>7}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        bookings = load_bookings(args.file)
    except (OSError, ValueError) as exc:
        print(f"courtbook: {exc}", file=sys.stderr)
        return 1
    handlers = {"bookings": cmd_bookings, "fees": cmd_fees, "ladder": cmd_ladder}
    return handlers[args.command](args, bookings)
