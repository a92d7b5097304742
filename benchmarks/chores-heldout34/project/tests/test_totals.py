from datetime import date

from yarnstash.stash import Yarn
from yarnstash.totals import grand_total, main_fibre, totals_by_fibre, totals_by_weight


def yarn(weight, fibre, skeins, metres):
    return Yarn("n", "b", weight, fibre, "c", skeins, metres, date(2026, 1, 1))


YARNS = [yarn("dk", "wool", 2, 100), yarn("lace", "mohair/silk", 1, 400), yarn("dk", "wool/alpaca", 1.5, 200)]


def test_by_weight_thinnest_first():
    totals = totals_by_weight(YARNS)
    assert [t.key for t in totals] == ["lace", "dk"]
    assert (totals[1].skeins, totals[1].metres, totals[1].yarns) == (3.5, 500, 2)


def test_by_fibre_most_metres_first():
    totals = totals_by_fibre(YARNS)
    assert [(t.key, t.metres) for t in totals] == [("wool", 500), ("mohair", 400)]


def test_main_fibre_and_grand_total():
    assert main_fibre(" alpaca / wool") == "alpaca"
    assert grand_total(YARNS) == 900
