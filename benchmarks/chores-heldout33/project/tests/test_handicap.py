from datetime import date, timedelta

import pytest

from fairway.handicap import course_handicap, handicap_index, recent, score_differential
from fairway.rounds import Round


def card(score, day=date(2026, 4, 1), holes=18, rating=70.0, slope=113):
    return Round(day, "Hollins Park", "white", score, holes, rating, slope, 71)


def test_score_differential():
    assert score_differential(88, 70.4, 128) == pytest.approx(15.5)
    assert score_differential(70, 70.0, 113) == 0.0


def test_fewer_than_three_rounds_no_index():
    assert handicap_index([card(80), card(82)]) is None


def test_three_rounds_best_one_less_two():
    assert handicap_index([card(80), card(85), card(90)]) == pytest.approx(8.0)


def test_unfinished_and_nine_hole_rounds_do_not_count():
    rounds = [card(80), card(85), card(None), card(40, holes=9)]
    assert handicap_index(rounds) is None


# TODO: a test with more than 20 rounds where the oldest ones are the best
def test_the_best_eight_of_twenty():
    start = date(2026, 1, 1)
    rounds = [card(80 + n % 10, start + timedelta(days=n)) for n in range(20)]
    assert len(recent(rounds)) == 20
    # two rounds each of 80, 81, 82 and 83 over a rating of 70: differentials 10 to 13
    assert handicap_index(rounds) == pytest.approx(11.5)


def test_the_index_is_capped():
    assert handicap_index([card(150), card(151), card(152), card(153), card(154)]) == 54.0


def test_course_handicap():
    assert course_handicap(10.4, 124, 68.9, 71) == 9
    assert course_handicap(10.4, 135, 72.8, 72) == 13
    assert course_handicap(0.0, 113, 71.5, 71) == 1
