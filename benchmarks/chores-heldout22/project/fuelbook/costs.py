"""What the car costs in fuel: per calendar month, and per km over the whole log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fuelbook.fillups import Fillup


@dataclass(frozen=True)
class MonthCost:
    month: str  # YYYY-MM
    fills: int
    litres: float
    cost: float  # pounds


def monthly_costs(fills: Iterable[Fillup], year: int | None = None) -> list[MonthCost]:
    """One MonthCost per calendar month with a fill-up (only ``year``'s when given), oldest first."""
    months: dict[str, list[Fillup]] = {}
    for fill in fills:
        if year is not None and fill.day.year != year:
            continue
        months.setdefault(fill.day.strftime("%Y-%m"), []).append(fill)
    return [
        MonthCost(
            month=month,
            fills=len(group),
            litres=round(sum(fill.litres for fill in group), 2),
            cost=round(sum(fill.cost for fill in group), 2),
        )
        for month, group in sorted(months.items())
    ]


def pence_per_km(fills: Iterable[Fillup]) -> float | None:
    """Fuel cost per km driven: the fuel bought after the first fill-up over the km since it."""
    ordered = sorted(fills, key=lambda fill: fill.odometer)
    if len(ordered) < 2:
        return None
    distance = ordered[-1].odometer - ordered[0].odometer
    spent = sum(fill.cost for fill in ordered[1:])
    return round(spent / distance * 100, 2)  # TODO: per mile as well, the insurance form asks for it
