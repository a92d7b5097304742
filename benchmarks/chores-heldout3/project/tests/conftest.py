from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
# The date the sample exports in data/ were taken.
EXPORT_DAY = date(2026, 3, 2)


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def today() -> date:
    return EXPORT_DAY
