"""Which items to reorder, and how many."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .models import Item


def needs_reorder(item: Item) -> bool:
    """True when the stock is at or below the item's reorder level and the item is still used."""
    return item.weekly_usage > 0 and item.quantity <= item.reorder_level


def reorder_quantity(item: Item, weeks: int = 4) -> int:
    """Units to order so that the stock covers ``weeks`` weeks of usage, in whole boxes of 10."""
    wanted = item.weekly_usage * weeks - item.quantity
    if wanted <= 0:
        return 0
    return math.ceil(wanted / 10) * 10


def reorder_list(items: Iterable[Item], weeks: int = 4) -> list[tuple[Item, int]]:
    """The items to reorder with their order quantity, most urgent (fewest weeks left) first."""
    result = []
    for item in items:
        if needs_reorder(item):
            result.append((item, reorder_quantity(item, weeks)))
    # TODO: sort by supplier once the export has a supplier column
    result.sort(key=lambda pair: pair[0].quantity / pair[0].weekly_usage)
    return result
