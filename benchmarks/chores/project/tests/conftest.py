from __future__ import annotations

from pathlib import Path

import pytest

from stockroom.models import Item

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def export_csv() -> Path:
    return DATA / "inventory.csv"


@pytest.fixture
def bolt() -> Item:
    return Item("HX-2001", "Hex bolt M8 x 40", quantity=120, unit_price=0.35, reorder_level=150, weekly_usage=60)


@pytest.fixture
def lock() -> Item:
    return Item("LK-8001", "Cylinder lock 30/30", quantity=9, unit_price=27.5, reorder_level=5, weekly_usage=1)
