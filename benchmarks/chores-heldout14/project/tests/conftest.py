from pathlib import Path

import pytest

ROWS = """date,day_kwh,night_kwh,export_kwh,note
2026-01-20,1000.0,500.0,,
2026-02-03,1140.0,570.0,0.0,panels on
2026-02-10,1196.0,598.0,14.0,
"""


@pytest.fixture
def readings_csv(tmp_path: Path) -> Path:
    path = tmp_path / "readings.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path
