from datetime import date

from fairway.rounds import Round
from fairway.stats import bands, mean, monthly


def card(day, score, holes=18, putts=None):
    return Round(day, "Barrow Heath", "yellow", score, holes, 67.8, 118, 70, putts)


def test_mean():
    assert mean([80, 90]) == 85.0
    assert mean(x for x in [1, 2, 3]) == 2.0
    assert mean([]) is None


def test_monthly_keeps_nine_holes_and_no_returns_out_of_the_scores():
    rounds = [
        card(date(2026, 4, 2), 84, putts=31),
        card(date(2026, 4, 9), 41, holes=9, putts=15),
        card(date(2026, 4, 16), None),
        card(date(2026, 5, 1), 80, putts=29),
    ]
    april, may = monthly(rounds)
    assert (april.label, april.played, april.average, april.putts, april.best) == ("2026-04", 3, 84.0, 31.0, 84)
    assert (may.label, may.played, may.best) == ("2026-05", 1, 80)


def test_bands():
    rounds = [card(date(2026, 4, 2), score) for score in (79, 80, 89, 90, 104)] + [card(date(2026, 4, 3), None)]
    assert bands(rounds) == {"under 80": 1, "80s": 2, "90s": 1, "100 and over": 1}
