from datetime import date
from pathlib import Path

import pytest

from paddlelog.trips import Trip, load_trips, parse_row

DATA = Path(__file__).resolve().parent.parent / "data" / "trips.csv"


def row(**fields):
    base = {"date": "2026-03-14", "water": "river wye", "distance": "7.5mi", "duration": "135 min",
            "craft": "open canoe", "grade": "I", "notes": " Hay to Whitney "}
    return {**base, **fields}


def test_parse_row_normalises_every_field():
    trip = parse_row(row())
    assert trip == Trip(date(2026, 3, 14), "River Wye", pytest.approx(12.07, abs=0.01), 135, "canoe", 1, "Hay to Whitney")


def test_parse_row_blank_grade_is_flat_water():
    assert parse_row(row(grade="")).grade == 0


def test_parse_row_needs_the_water():
    with pytest.raises(ValueError, match="water"):
        parse_row(row(water=" "))


def test_load_trips_reads_the_log_oldest_first():
    trips = load_trips(DATA)
    assert len(trips) == 22
    assert [trip.day for trip in trips] == sorted(trip.day for trip in trips)
    assert trips[0].water == "River Wye" and trips[-1].water == "River Tees"


def test_load_trips_skips_blank_lines_and_names_the_bad_line(tmp_path):
    log = tmp_path / "trips.csv"
    log.write_text(
        "date,water,distance,duration,craft,grade,notes\n2026-03-01,Wye,5 km,1h,kayak,,\n,,,,,,\n"
        "2026-03-02,Wye,far,1h,kayak,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="line 4"):
        load_trips(log)
    log.write_text(log.read_text(encoding="utf-8").replace("far", "6 km"), encoding="utf-8")
    assert [trip.distance_km for trip in load_trips(log)] == [5.0, 6.0]
