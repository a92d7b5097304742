from datetime import date

import pytest
from laps.goals import Goals, judge, load_goals, month_distance, parse_distance
from laps.sessions import Session


def test_parse_distance():
    assert parse_distance("30 km") == 30000
    assert parse_distance("25km") == 25000
    assert parse_distance("18000 m") == 18000
    assert parse_distance(24) == 24000
    with pytest.raises(ValueError):
        parse_distance("far")


def test_load_goals(tmp_path):
    path = tmp_path / "goals.toml"
    path.write_text('[default]\ndistance = "30 km"\n[months]\n"2026-04" = "18000 m"\n', encoding="utf-8")
    goals = load_goals(path)
    assert goals.for_month(2026, 4) == 18000
    assert goals.for_month(2026, 3) == 30000


def test_month_distance():
    sessions = [
        Session(date(2026, 2, 28), 25, 40, 1500, "freestyle"),
        Session(date(2026, 3, 1), 50, 20, 1300, "medley"),
    ]
    assert month_distance(sessions, 2026, 3) == 1000


def test_judge():
    assert judge(30000, 30000, date(2026, 3, 20)) == "done"
    assert judge(31000, 15000, date(2026, 3, 15)) == "on pace"
    assert judge(31000, 13000, date(2026, 3, 15)) == "behind"


def test_goals_default_only():
    assert Goals(30000).for_month(2026, 1) == 30000
