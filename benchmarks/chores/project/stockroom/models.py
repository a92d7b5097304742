"""The records stockroom works with."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """One stock item, as exported by the shop system."""

    sku: str
    name: str
    quantity: int
    unit_price: float
    reorder_level: int
    weekly_usage: int = 0

    @property
    def value(self) -> float:
        """What the units on hand are worth at the unit price."""
        return self.quantity * self.unit_price


class Inventory:
    """The items of one export, looked up by SKU."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self._items: dict[str, Item] = {}
        for item in items:
            self.add(item)

    def add(self, item: Item) -> None:
        if item.sku in self._items:
            raise ValueError(f"duplicate SKU {item.sku}")
        self._items[item.sku] = item

    def get(self, sku: str) -> Item | None:
        return self._items.get(sku)

    def __iter__(self) -> Iterator[Item]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    @property
    def units(self) -> int:
        return sum(item.quantity for item in self._items.values())
