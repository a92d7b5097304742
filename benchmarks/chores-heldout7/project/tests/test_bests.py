from datetime import date

import pytest

from runlog.bests import equivalent_time, personal_bests
from runlog.runs import Run


def test_equivalent_time_holds_the_average_pace():
    assert equivalent_time(Run(date(2026, 3, 1), 6.0, 1800), 5.0) == pytest.approx(1500.0)


def test_the_fastest_pace_wins():
    runs = [Run(date(2026, 3, 1), 6.0, 1800), Run(date(2026, 3, 3), 8.0, 2240, "tempo")]
    best = personal_bests(runs)["5k"]
    assert best.run.day == date(2026, 3, 3)
    assert best.seconds == pytest.approx(1400.0)


def test_a_shorter_run_does_not_count():
    runs = [Run(date(2026, 3, 1), 4.0, 960), Run(date(2026, 3, 3), 12.0, 3960)]
    bests = personal_bests(runs)
    assert bests["5k"].run.distance_km == 12.0
    assert set(bests) == {"5k", "10k"}


def test_no_runs_no_bests():
    assert personal_bests([]) == {}
