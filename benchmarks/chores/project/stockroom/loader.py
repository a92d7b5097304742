"""Reading the shop system's CSV export."""

from __future__ import annotations

import csv
from pathlib import Path

from .models import Inventory, Item

COLUMNS = ("sku", "name", "quantity", "unit_price", "reorder_level", "weekly_usage")


class LoadError(Exception):
    """The file is not a stock export we can read."""


def parse_row(row: dict[str, str]) -> Item | None:
    """One CSV row as an Item; None for a row without a quantity (not counted yet)."""
    quantity = (row.get("quantity") or "").strip()
    if not quantity:
        return None
    return Item(
        sku=row["sku"].strip(),
        name=row["name"].strip(),
        quantity=int(quantity),
        unit_price=float(row["unit_price"]),
        reorder_level=int(row["reorder_level"]),
        # TODO: older exports have no weekly_usage column; read it as 0 until they are gone
        weekly_usage=int(row.get("weekly_usage") or 0),
    )


def load_items(path: str | Path) -> Inventory:
    """All items of a CSV export. Rows without a quantity are skipped."""
    # TODO: exports saved by Excel start with a BOM and the first column is then not found
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS[:5] if column not in (reader.fieldnames or [])]
        if missing:
            raise LoadError(f"{path}: missing column(s): {', '.join(missing)}")
        inventory = Inventory()
        for row in reader:
            item = parse_row(row)
            if item is None:
                continue
            inventory.add(item)
    return inventory
