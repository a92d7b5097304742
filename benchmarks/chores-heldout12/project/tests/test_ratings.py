from pathlib import Path

import pytest
from gamenight.plays import read_plays
from gamenight.ratings import START_RATING, expected_score, leaderboard, rate_all, update, win_rate

DATA = Path(__file__).resolve().parent.parent / "data" / "plays.csv"


def test_expected_score_is_symmetric():
    assert expected_score(1200, 1200) == pytest.approx(0.5)
    assert expected_score(1400, 1200) + expected_score(1200, 1400) == pytest.approx(1.0)
    assert expected_score(1600, 1200) == pytest.approx(10 / 11)


def test_first_game_starts_from_the_start_rating(play):
    ratings = update({}, play("2026-01-09", Ana=10, Ben=5))
    assert ratings["Ana"] == pytest.approx(START_RATING + 12)
    assert ratings["Ben"] == pytest.approx(START_RATING - 12)


def test_winner_column_beats_the_scores(play):
    ratings = update({}, play("2026-02-13", winner="Eli", Ben=30, Eli=30))
    assert ratings["Eli"] > START_RATING > ratings["Ben"]


def test_solo_play_changes_nothing(play):
    assert update({"Fay": 1250.0}, play("2026-02-20", Fay=1)) == {"Fay": 1250.0}


def test_rate_all_is_zero_sum(play):
    ratings = rate_all([play("2026-01-09", Ana=3, Ben=2, Cleo=1), play("2026-01-16", Cleo=9, Ana=4)])
    assert sum(ratings.values()) == pytest.approx(3 * START_RATING)


def test_leaderboard_leaves_out_provisional_players():
    plays = read_plays(DATA)
    names = [standing.player for standing in leaderboard(plays)]
    assert "Gus" not in names and names[0] == "Ana"
    assert "Gus" in [standing.player for standing in leaderboard(plays, min_plays=1)]


def test_win_rate(play):
    plays = [play("2026-01-09", Ana=3, Ben=2), play("2026-01-16", Ana=1, Ben=2), play("2026-01-23", Ana=1)]
    assert win_rate(plays, "Ana") == pytest.approx(0.5)
    assert win_rate(plays, "Gus") is None
