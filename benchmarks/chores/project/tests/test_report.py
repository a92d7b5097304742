from __future__ import annotations

from pathlib import Path

from stockroom.loader import load_items
from stockroom.report import format_currency, reorder_table, summary_lines


def test_format_currency() -> None:
    assert format_currency(1234.5) == "$1,234.50"
    assert format_currency(0) == "$0.00"
    assert format_currency(-3.456) == "-$3.46"


def test_summary_lines(export_csv: Path) -> None:
    assert summary_lines(load_items(export_csv)) == [
        "12 items · 3,698 units · stock value $1,275.90",
        "4 items at or below their reorder level",
    ]


def test_reorder_table_aligns_columns(bolt) -> None:
    assert reorder_table([(bolt, 120)]) == [
        "SKU      name                      order",
        "HX-2001  Hex bolt M8 x 40          120",
    ]
