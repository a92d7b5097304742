from datetime import date

from hivelog.inspections import Inspection
from hivelog.schedule import due_list, interval_days, next_due


def test_swarm_season_is_weekly():
    assert interval_days(date(2026, 5, 12)) == 7
    assert next_due(date(2026, 5, 12)) == date(2026, 5, 19)


def test_late_summer_is_every_two_weeks():
    assert interval_days(date(2026, 8, 3)) == 14
    assert next_due(date(2026, 8, 25)) == date(2026, 9, 8)


def test_winter_waits_for_march():
    assert interval_days(date(2026, 12, 5)) is None
    assert next_due(date(2026, 12, 5)) == date(2027, 3, 1)
    assert next_due(date(2026, 10, 24)) == date(2027, 3, 1)


def test_due_list_most_overdue_first():
    inspections = [
        Inspection(date(2026, 8, 20), "Linden", 7, True, None),
        Inspection(date(2026, 8, 1), "Bramble", 7, True, None),
        Inspection(date(2026, 8, 10), "Clover", 7, True, None),
    ]
    rows = due_list(inspections, date(2026, 8, 20))
    assert [row.hive for row in rows] == ["Bramble", "Clover", "Linden"]
    assert [row.days_overdue for row in rows] == [5, -4, -14]
