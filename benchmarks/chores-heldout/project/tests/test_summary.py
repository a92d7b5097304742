from __future__ import annotations

from datetime import date

import pytest

from timesheet.entries import Entry
from timesheet.summary import busiest_week, filter_entries, hours_by, iso_week, total_hours


def test_iso_week() -> None:
    assert iso_week(date(2026, 3, 2)) == "2026-W10"
    assert iso_week(date(2026, 11, 29)) == "2026-W48"


def test_iso_week_at_the_turn_of_the_year() -> None:
    assert iso_week(date(2024, 12, 30)) == "2025-W01"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"


def test_hours_by_project_and_week(week_of_work: list[Entry]) -> None:
    assert hours_by(week_of_work, "project") == {"acme-web": 9.1, "harbour-app": 5.5}
    assert hours_by(week_of_work, "week") == {"2026-W10": 9.1, "2026-W11": 5.5}
    with pytest.raises(ValueError, match="cannot group by 'client'"):
        hours_by(week_of_work, "client")


def test_filter_entries_bounds_are_inclusive(week_of_work: list[Entry]) -> None:
    kept = filter_entries(week_of_work, since=date(2026, 3, 3), until=date(2026, 3, 3))
    assert [entry.hours for entry in kept] == [3.1, 2.0]
    assert total_hours(filter_entries(week_of_work, project="ACME-WEB", person="ben")) == 2.0
    with pytest.raises(ValueError, match="after until"):
        filter_entries(week_of_work, since=date(2026, 3, 4), until=date(2026, 3, 3))


def test_busiest_week(week_of_work: list[Entry]) -> None:
    assert busiest_week(week_of_work) == ("2026-W10", 9.1)
    assert busiest_week([]) is None
