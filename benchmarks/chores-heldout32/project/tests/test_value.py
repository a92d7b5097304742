from datetime import date

from cellar.bottles import Lot
from cellar.value import format_money, grand_total, summary, totals_by


def lot(colour, region, qty, size_ml, price_pence):
    return Lot(date(2025, 1, 1), "Producer", "Wine", region, colour, 2020, size_ml, qty, price_pence)


LOTS = [
    lot("red", "Rioja", 6, 750, 1850),
    lot("red", "Rioja", 2, 1500, 4200),
    lot("white", "Loire", 3, 750, 2700),
    lot("rosé", "Rioja", 0, 750, 1200),
]


def test_totals_by_colour_most_paid_first():
    totals = totals_by(LOTS)
    assert list(totals) == ["red", "white", "rosé"]
    assert (totals["red"].bottles, totals["red"].litres, totals["red"].pence) == (8, 7.5, 19500)


def test_totals_by_region():
    assert {name: totals.pence for name, totals in totals_by(LOTS, "region").items()} == {"Rioja": 19500, "Loire": 8100}


def test_grand_total():
    total = grand_total(LOTS)
    assert (total.bottles, total.millilitres, total.pence) == (11, 9750, 27600)


def test_summary_leaves_out_empty_lots():
    groups, total = summary(LOTS)
    assert "rosé" not in groups
    assert total.bottles == 11


def test_format_money():
    assert format_money(246164) == "£2,461.64"
    assert format_money(5) == "£0.05"
