from __future__ import annotations

from stockroom.models import Item
from stockroom.pricing import apply_discount, bulk_price, total_value


def test_total_value_sums_quantity_times_price(bolt: Item, lock: Item) -> None:
    assert total_value([bolt, lock]) == 289.5


def test_total_value_of_nothing_is_zero() -> None:
    assert total_value([]) == 0


def test_apply_discount() -> None:
    assert apply_discount(80.0, 25) == 60.0
    assert apply_discount(19.99, 0) == 19.99


def test_bulk_price_below_and_from_100_units() -> None:
    assert bulk_price(0.5, 99) == 49.5
    assert bulk_price(0.5, 100) == 40.0
