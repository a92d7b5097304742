from datetime import date, time

import pytest
from birdlog.seasons import season_counts, season_label, season_of, time_window, window_counts


@pytest.mark.parametrize(
    ("day", "season"),
    [(date(2026, 2, 28), "winter"), (date(2026, 3, 1), "spring migration"), (date(2026, 7, 31), "breeding"),
     (date(2026, 8, 1), "autumn migration"), (date(2026, 11, 30), "autumn migration"), (date(2026, 12, 1), "winter")],
)
def test_season_of(day: date, season: str) -> None:
    assert season_of(day) == season


def test_a_winter_is_labelled_with_the_year_it_starts_in() -> None:
    assert season_label(date(2025, 12, 20)) == "winter 2025/26"
    assert season_label(date(2026, 2, 3)) == "winter 2025/26"
    assert season_label(date(1999, 12, 31)) == "winter 1999/00"
    assert season_label(date(2026, 4, 12)) == "spring migration 2026"


def test_time_windows_and_night_over_midnight() -> None:
    assert time_window(time(4, 30)) == "dawn"
    assert time_window(time(8, 0)) == "day"
    assert time_window(time(19, 0)) == "dusk"
    assert time_window(time(23, 59)) == "night"
    assert time_window(time(0, 20)) == "night"
    assert time_window(None) == "unknown"


# TODO: southern-hemisphere seasons, once season_of takes a hemisphere
def test_counts(outings) -> None:
    assert season_counts(outings) == {"winter 2025/26": 7}
    assert window_counts(outings)["unknown"] == 7
