from datetime import date

from runlog.runs import Run
from runlog.weekly import by_kind, week_start, weekly_totals


def test_week_starts_on_monday():
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)  # a Sunday
    assert week_start(date(2026, 3, 9)) == date(2026, 3, 9)


def test_weekly_totals_groups_runs_by_week():
    runs = [
        Run(date(2026, 3, 2), 6.0, 1800),
        Run(date(2026, 3, 8), 14.0, 5040, "long"),
        Run(date(2026, 3, 10), 8.0, 2400),
    ]
    weeks = weekly_totals(runs)
    assert [week.start for week in weeks] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert (weeks[0].distance_km, weeks[0].seconds, weeks[0].runs) == (20.0, 6840, 2)
    assert weeks[0].longest_km == 14.0
    assert weeks[1].pace == 300.0


def test_fill_gaps_adds_empty_weeks():
    runs = [Run(date(2026, 3, 2), 6.0, 1800), Run(date(2026, 3, 17), 8.0, 2400)]
    weeks = weekly_totals(runs, fill_gaps=True)
    assert [week.runs for week in weeks] == [1, 0, 1]
    assert weeks[1].pace == 0.0


def test_by_kind():
    runs = [Run(date(2026, 3, 2), 6.0, 1800), Run(date(2026, 3, 8), 14.0, 5040, "long"), Run(date(2026, 3, 9), 4.0, 1200)]
    assert by_kind(runs) == {"easy": 10.0, "long": 14.0}
