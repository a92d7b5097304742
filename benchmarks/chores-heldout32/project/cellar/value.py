"""What the cellar holds: bottles, litres and what they cost, per colour or per region."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass
class Totals:
    bottles: int = 0
    millilitres: int = 0
    pence: int = 0

    def add(self, lot):
        self.bottles += lot.qty
        self.millilitres += lot.qty * lot.size_ml
        self.pence += lot.qty * lot.price_pence

    @property
    def litres(self):
        return self.millilitres / 1000


def group_key(lot, by):
    if by == "colour":
        return lot.colour
    if by == "region":
        return lot.region
    raise ValueError(f"cannot group the cellar by {by!r}")


def totals_by(lots, by="colour"):
    """Totals per colour or region, the most paid for first (ties by name)."""
    groups = defaultdict(Totals)
    for lot in lots:
        groups[group_key(lot, by)].add(lot)
    return dict(sorted(groups.items(), key=lambda item: (-item[1].pence, item[0])))


def grand_total(lots):
    total = Totals()
    for lot in lots:
        total.add(lot)
    return total


def in_stock(lots):
    """The lots with at least one bottle left, as a generator."""
    return (lot for lot in lots if lot.qty > 0)


def summary(lots, by="colour"):
    """(group totals, grand total) over the lots still in stock."""
    # TODO: value at today's prices, not what was paid
    stocked = list(in_stock(lots))
    return totals_by(in_stock(stocked), by), grand_total(stocked)


def format_money(pence):
    pounds, pennies = divmod(pence, 100)
    return f"£{pounds:,}.{pennies:02d}"
