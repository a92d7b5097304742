from __future__ import annotations

from pathlib import Path

import pytest

from stockroom.loader import LoadError, load_items, parse_row


def test_load_items_reads_every_row(export_csv: Path) -> None:
    inventory = load_items(export_csv)
    assert len(inventory) == 12
    assert inventory.get("HG-7002").name == "Door hinge 100 mm"
    assert inventory.units == 3698


def test_parse_row_converts_numbers() -> None:
    row = {"sku": " NT-3001 ", "name": "Hex nut M8", "quantity": "900", "unit_price": "0.08",
           "reorder_level": "300", "weekly_usage": "110"}
    item = parse_row(row)
    assert item is not None
    assert (item.sku, item.quantity, item.unit_price, item.weekly_usage) == ("NT-3001", 900, 0.08, 110)


def test_row_without_quantity_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "sku,name,quantity,unit_price,reorder_level,weekly_usage\n"
        "A-1,Thing,,1.00,5,1\n"
        "A-2,Other thing,7,2.00,5,1\n",
        encoding="utf-8",
    )
    inventory = load_items(path)
    assert [item.sku for item in inventory] == ["A-2"]


def test_missing_column_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("sku,name,quantity\nA-1,Thing,3\n", encoding="utf-8")
    with pytest.raises(LoadError, match="unit_price"):
        load_items(path)


def test_weekly_usage_defaults_to_zero() -> None:
    row = {"sku": "A-1", "name": "Thing", "quantity": "3", "unit_price": "1.5", "reorder_level": "2"}
    item = parse_row(row)
    assert item is not None and item.weekly_usage == 0
