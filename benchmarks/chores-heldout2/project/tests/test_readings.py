from __future__ import annotations

from pathlib import Path

import pytest
from meteo.readings import load_readings, stations


def test_the_export_loads_sorted_without_the_rows_lacking_a_temperature(export: Path) -> None:
    readings = load_readings(export)
    assert len(readings) == 92  # 93 rows, one without a temperature
    assert readings == sorted(readings, key=lambda r: (r.station, r.timestamp))
    assert stations(readings) == ["HILLTOP", "RIVERSIDE"]


def test_one_station_only(export: Path) -> None:
    readings = load_readings(export, station="RIVERSIDE")
    assert {r.station for r in readings} == {"RIVERSIDE"}
    assert len(readings) == 47


def test_both_timestamp_styles_and_an_empty_humidity(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "station,timestamp,temp_c,humidity,wind_kmh\nA,2026-03-01T10:00,4.5,80,12\nA,2026-03-01 11:00,5.0,,\n",
        encoding="utf-8",
    )
    first, second = load_readings(path)
    assert (first.timestamp.hour, second.timestamp.hour) == (10, 11)
    assert second.humidity is None and second.wind_kmh == 0.0


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("station,timestamp,temp_c\nA,2026-03-01T10:00,4.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="humidity, wind_kmh"):
        load_readings(path)


def test_a_bad_timestamp_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("station,timestamp,temp_c,humidity,wind_kmh\nA,01/03/2026 10:00,4.5,80,12\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unrecognised timestamp"):
        load_readings(path)
