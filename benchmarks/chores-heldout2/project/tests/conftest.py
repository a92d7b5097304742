from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from meteo.readings import Reading

DATA = Path(__file__).resolve().parent.parent / "data" / "readings.csv"


@pytest.fixture
def export() -> Path:
    return DATA


def reading(station: str, when: str, temp_c: float = 5.0) -> Reading:
    return Reading(station, datetime.fromisoformat(when), temp_c, 70.0, 10.0)
