from datetime import date

import pytest

from brushlog.progress import rating, summarise_projects, week_start, weekly_totals
from brushlog.sessions import Session


def session(day, project="Dragon", minutes=60, models=1, status="layered"):
    return Session(day, project, models, "Citadel", "Ivory", minutes, 1, status)


@pytest.mark.parametrize(
    ("per_model", "expected"),
    [
        (5, "speed paint"),
        (19.9, "speed paint"),
        (20, "tabletop"),
        (59.5, "tabletop"),
        (60, "display"),
        (300, "display"),
    ],
)
def test_rating(per_model, expected):
    assert rating(per_model) == expected


def test_summary_counts_time_and_the_most_models_of_a_session():
    sessions = [
        session(date(2026, 3, 2), "Goblins", 60, 10, "primed"),
        session(date(2026, 3, 4), "Goblins", 120, 5, "basecoated"),
    ]
    (summary,) = summarise_projects(sessions)
    assert (summary.sessions, summary.minutes, summary.models) == (2, 180, 10)
    assert summary.minutes_per_model == 18
    assert summary.rating == "speed paint"
    assert summary.status == "basecoated"


def test_a_project_left_for_three_weeks_is_stalled():
    sessions = [session(date(2026, 3, 1), "Knight"), session(date(2026, 3, 22), "Dragon")]
    by_name = {summary.name: summary for summary in summarise_projects(sessions)}
    assert by_name["Knight"].stalled
    assert not by_name["Dragon"].stalled


def test_finished_and_shelved_projects_are_never_stalled():
    sessions = [
        session(date(2026, 1, 5), "Knight", status="finished"),
        session(date(2026, 1, 5), "Rangers", status="shelved"),
        session(date(2026, 3, 22), "Dragon"),
    ]
    assert [summary.stalled for summary in summarise_projects(sessions)] == [False, False, False]


def test_week_starts_on_monday():
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)
    assert week_start(date(2026, 3, 9)) == date(2026, 3, 9)


def test_weekly_totals():
    sessions = [session(date(2026, 3, 2), minutes=30), session(date(2026, 3, 8)), session(date(2026, 3, 9))]
    weeks = weekly_totals(sessions)
    assert [(week.start, week.sessions, week.minutes) for week in weeks] == [
        (date(2026, 3, 2), 2, 90),
        (date(2026, 3, 9), 1, 60),
    ]
