from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import reading
from meteo.readings import load_readings
from meteo.stats import daily_summary, find_gaps, station_extremes


def test_daily_summary_of_the_export(export: Path) -> None:
    summaries = daily_summary(load_readings(export))
    assert [(s.station, s.day, s.count) for s in summaries] == [
        ("HILLTOP", date(2026, 3, 1), 21),
        ("HILLTOP", date(2026, 3, 2), 24),
        ("RIVERSIDE", date(2026, 3, 1), 23),
        ("RIVERSIDE", date(2026, 3, 2), 24),
    ]
    first = summaries[0]
    assert (first.min_c, first.max_c, first.mean_c) == (-3.3, 7.0, 2.0)


def test_daily_summary_splits_at_midnight() -> None:
    readings = [reading("A", "2026-03-01T23:00", 1.0), reading("A", "2026-03-02T00:00", 3.0)]
    assert [s.day.day for s in daily_summary(readings)] == [1, 2]


def test_readings_exactly_max_gap_apart_are_no_gap() -> None:
    readings = [reading("A", "2026-03-01T10:00"), reading("A", "2026-03-01T11:00"), reading("A", "2026-03-01T12:00")]
    assert find_gaps(readings) == []


def test_gaps_of_the_export(export: Path) -> None:
    gaps = find_gaps(load_readings(export))
    assert [(g.station, g.start.hour, g.end.hour, g.minutes) for g in gaps] == [
        ("HILLTOP", 7, 11, 240),
        ("RIVERSIDE", 19, 21, 120),
    ]
    assert find_gaps(load_readings(export), timedelta(hours=3)) == gaps[:1]


def test_no_gap_between_two_stations() -> None:
    readings = [reading("A", "2026-03-01T10:00"), reading("B", "2026-03-01T18:00")]
    assert find_gaps(readings) == []


def test_max_gap_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        find_gaps([], timedelta(0))


def test_station_extremes(export: Path) -> None:
    extremes = station_extremes(daily_summary(load_readings(export)))
    assert extremes == {"HILLTOP": (-3.3, 8.4), "RIVERSIDE": (1.4, 13.0)}
