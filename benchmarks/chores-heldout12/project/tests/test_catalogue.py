from pathlib import Path

import pytest
from gamenight.catalogue import Game, load_games, suggest, weight_label

DATA = Path(__file__).resolve().parent.parent / "data" / "games.csv"


@pytest.mark.parametrize(("weight", "label"), [(1.0, "light"), (1.99, "light"), (2.0, "medium"), (3.0, "heavy")])
def test_weight_label(weight, label):
    assert weight_label(weight) == label


def test_load_games():
    games = load_games(DATA)
    assert games["Power Grid"] == Game("Power Grid", 2, 6, 120, 3.3)
    assert games["Power Grid"].player_range == "2-6"


def test_suggest_filters_players_and_minutes():
    games = load_games(DATA).values()
    names = [game.name for game in suggest(games, 6, minutes=30)]
    assert names == ["Codenames", "Just One", "Love Letter", "7 Wonders"]


def test_seats_bounds_are_inclusive():
    game = Game("Carcassonne", 2, 5, 40, 1.9)
    assert game.seats(2) and game.seats(5)
    assert not game.seats(6)
