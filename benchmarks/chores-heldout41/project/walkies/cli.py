"""The command line: python -m walkies [--file CSV] {walks,invoice,dogs}."""

from __future__ import annotations

import argparse
import sys

from walkies import __version__
from walkies.dogs import SORT_KEYS, dog_totals
from walkies.invoices import invoices_for_week, render, save, totals_by_owner, weekly_invoices
from walkies.parsing import normalise_owner, parse_date
from walkies.pricing import format_money, walk_price
from walkies.walks import load_walks


def build_parser():
    parser = argparse.ArgumentParser(prog="walkies", description="A dog walker's business log.")
    parser.add_argument("--version", action="version", version=f"walkies {__version__}")
    parser.add_argument("--file", default="data/walks.csv", help="the walk log (default: data/walks.csv)")
    commands = parser.add_subparsers(dest="command", required=True)

    walks = commands.add_parser("walks", help="every walk, one a line, with its price")
    walks.add_argument("--since", type=parse_date, metavar="DATE", help="only walks on or after this day")
    walks.add_argument("--kind", choices=("group", "solo"), help="only group or only solo walks")

    invoice = commands.add_parser("invoice", help="the weekly invoices, one per owner")
    invoice.add_argument("--week", type=parse_date, metavar="DATE", help="only the week (Mon-Sun) of this day")
    invoice.add_argument("--owner", help="only this owner's invoices (Mrs Okafor, okafor …)")
    invoice.add_argument("--save", action="store_true", help="also write each invoice to invoices/WEEK/OWNER.txt")
    invoice.add_argument("--totals", action="store_true", help="only each owner's total over the weeks shown")

    dogs = commands.add_parser("dogs", help="walks, hours and km per dog")
    dogs.add_argument("--sort", choices=SORT_KEYS, default="name", help="order of the rows (default: name)")  # TODO: --format csv for the accountant
    return parser


def format_km(km):
    return "-" if km is None else f"{km:.1f} km"


def cmd_walks(args, walks):
    if args.since:
        walks = [walk for walk in walks if walk.day >= args.since]
    if args.kind:
        walks = [walk for walk in walks if walk.kind == args.kind]
    for walk in walks:
        print(
            f"{walk.day.isoformat()}  {walk.dog:<10}  {walk.owner:<9}  {walk.minutes:>3} min  "
            f"{format_km(walk.km):>7}  {walk.kind:<5}  {format_money(walk_price(walk)):>6}"
        )
    return 0


def cmd_invoice(args, walks):
    invoices = invoices_for_week(walks, args.week) if args.week else weekly_invoices(walks)
    if args.owner:
        owner = normalise_owner(args.owner)
        invoices = [invoice for invoice in invoices if invoice.owner == owner]
    if not invoices:
        print("no walks to invoice", file=sys.stderr)
        return 1
    if args.totals:
        for owner, total in totals_by_owner(invoices).items():
            print(f"{owner:<10} {format_money(total):>8}")
        return 0
    for number, invoice in enumerate(invoices):
        if number:
            print()
        print(render(invoice))
        if args.save:
            print(f"  saved to {save(invoice, 'invoices')}")
    return 0


def cmd_dogs(args, walks):
    for totals in dog_totals(walks, args.sort):
        unmeasured = f"  ({totals.unmeasured} not measured)" if totals.unmeasured else ""
        print(
            f"{totals.dog:<10}  {totals.owner:<9}  {totals.walks:>2} walks  {totals.hours:4.1f} h  "
            f"{totals.km:5.1f} km{unmeasured}"
        )
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        walks = load_walks(args.file)
    except (OSError, ValueError) as exc:
        print(f"walkies: {exc}", file=sys.stderr)
        return 2
    handlers = {"walks": cmd_walks, "invoice": cmd_invoice, "dogs": cmd_dogs}
    return handlers[args.command](args, walks)
