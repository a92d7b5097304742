from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from timesheet.entries import Entry

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def export_csv() -> Path:
    return DATA / "entries.csv"


@pytest.fixture
def rates_csv() -> Path:
    return DATA / "rates.csv"


@pytest.fixture
def week_of_work() -> list[Entry]:
    return [
        Entry(date(2026, 3, 2), "ana", "acme-web", 4.0, "design"),
        Entry(date(2026, 3, 3), "ana", "acme-web", 3.1, "design"),
        Entry(date(2026, 3, 3), "ben", "acme-web", 2.0, "estimate", billable=False),
        Entry(date(2026, 3, 9), "ben", "harbour-app", 5.5, "release"),
    ]
