"""Sales at craft fairs (data/sales.csv): takings per fair and how much of each batch has sold."""

from __future__ import annotations

import csv
import string
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from pourlog.batches import Batch
from pourlog.parsing import parse_code, parse_date, parse_price

SOLD_OUT = 1.0  # every unit of the batch gone
SELLING = 0.5  # half or more sold


@dataclass(frozen=True)
class Sale:
    day: date
    fair: str
    code: str
    qty: int
    price_p: int  # each, in pence

    @property
    def takings_p(self):
        return self.qty * self.price_p


@dataclass
class FairTotal:
    day: date
    fair: str
    units: int = 0
    takings_p: int = 0


def tidy_fair(name):
    """A fair's name with its spacing and case tidied, so ' ludlow  spring FAIR' is 'Ludlow Spring Fair'."""
    return string.capwords(" ".join(name.split()))


def parse_sale(row):
    qty = int(row["qty"].strip())
    if qty < 1:
        raise ValueError(f"a sale is of one unit or more: {row['qty']!r}")
    day, code = parse_date(row["date"]), parse_code(row["batch"])
    return Sale(day, tidy_fair(row["fair"]), code, qty, parse_price(row["price"]))


def load_sales(path):
    """Every sale in the CSV file, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        sales = [parse_sale(row) for row in csv.DictReader(handle)]
    return sorted(sales, key=lambda sale: sale.day)


def fair_totals(sales):
    """Units and takings per fair day, oldest first."""
    # TODO: pitch fees per fair, so the takings can be shown net of them
    totals = {}
    for sale in sales:
        key = (sale.day, sale.fair.lower())
        total = totals.setdefault(key, FairTotal(sale.day, sale.fair))
        total.units += sale.qty
        total.takings_p += sale.takings_p
    return [totals[key] for key in sorted(totals)]


def sold_by_batch(sales):
    sold = defaultdict(int)
    for sale in sales:
        sold[sale.code] += sale.qty
    return sold


def sell_status(rate):
    if rate >= SOLD_OUT:
        return "sold out"
    if rate >= SELLING:
        return "selling"
    return "slow"


def sell_through(batches, sales):
    """(batch, units sold, share of the batch sold, status) for each batch, in the order given."""
    codes = {batch.code for batch in batches}
    sold = sold_by_batch(sale for sale in sales if sale.code in codes)
    rows = []
    for batch in batches:
        rate = sold[batch.code] / batch.units
        rows.append((batch, sold[batch.code], rate, sell_status(rate)))
    return rows


def format_money(pence):
    return f"£{pence // 100}.{pence % 100:02d}"


def best_fair(totals):
    """The fair day with the biggest takings (the earliest of a tie), or None without fairs."""
    best = None
    for total in totals:
        if best is None or total.takings_p > best.takings_p:
            best = total
    return best


def unsold(batches: list[Batch], sales):
    """The batches of which nothing has sold yet."""
    sold = sold_by_batch(sales)
    return [batch for batch in batches if not sold[batch.code]]
