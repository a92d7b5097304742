from datetime import date

import pytest

from courtbook.bookings import Booking
from courtbook.matches import games_won, ladder, parse_score


@pytest.mark.parametrize(
    ("text", "sets"),
    [
        ("6-4 6-3", [(6, 4), (6, 3)]),
        ("6-4, 7-5", [(6, 4), (7, 5)]),
        ("7-6(5) 3-6 6-4", [(7, 6), (3, 6), (6, 4)]),
        ("6–4 6–4", [(6, 4), (6, 4)]),
        ("4-6 6-3 10-7", [(4, 6), (6, 3), (10, 7)]),
        ("", []),
    ],
)
def test_parse_score(text, sets):
    assert parse_score(text) == sets


@pytest.mark.parametrize("text", ["w/o", "6-6", "6-4 and then rain"])
def test_parse_score_refuses_what_is_not_a_result(text):
    with pytest.raises(ValueError):
        parse_score(text)


def test_a_match_tiebreak_is_one_game():
    assert games_won([(4, 6), (6, 3), (10, 7)]) == 11
    assert games_won([(6, 4), (3, 6), (7, 10)]) == 9


def match(member, opponent, score, guest=False):
    return Booking(date(2026, 3, 2), 1080, 60, 2, member, opponent, guest, score)


def test_ladder_orders_by_wins_then_sets_then_games():
    table = ladder(
        [
            match("Priya Shah", "Tom Okafor", "6-4 6-3"),
            match("Tom Okafor", "Dev Patel", "6-1 6-1"),
            match("Dev Patel", "Priya Shah", "6-4 3-6 10-8"),
        ]
    )
    assert [standing.name for standing in table] == ["Priya Shah", "Tom Okafor", "Dev Patel"]
    tom = table[1]
    assert (tom.played, tom.won, tom.lost, tom.sets_for, tom.sets_against) == (2, 1, 1, 2, 2)
    assert (tom.games_for, tom.games_against) == (19, 14)


def test_knock_ups_and_guests_are_not_on_the_ladder():
    table = ladder([match("Priya Shah", "", ""), match("Priya Shah", "Jo Carter", "6-0 6-0", guest=True)])
    assert table == []
