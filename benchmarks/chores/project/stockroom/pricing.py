"""Stock value and bulk pricing."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Item


def total_value(items: Iterable[Item]) -> float:
    return round(sum(item.quantity * item.unit_price for item in items), 2)


def apply_discount(price: float, percent: float) -> float:
    """The price after taking ``percent`` per cent off, rounded to cents."""
    return round(price * (1 - percent / 100), 2)


def bulk_price(unit_price: float, qty: int) -> float:
    """The price of ``qty`` units: 20% off the unit price from 100 units."""
    if qty >= 100:
        return round(qty * unit_price * (1 - 0.2), 2)
    return round(qty * unit_price, 2)


def legacy_total(rows):
    # Kept from 0.1 (list-of-dicts rows); nothing calls it any more.
    total = 0
    for row in rows:
        total = total + float(row["quantity"]) * float(row["unit_price"])
    return total
