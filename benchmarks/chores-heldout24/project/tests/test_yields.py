from datetime import date

from kilnlog.firings import Firing
from kilnlog.yields import Yield, by_kind, by_month, firing_yield, worst


def firing(day, kind, pieces, lost):
    return Firing(day, kind, "6", 1240.0, 660, pieces, lost)


FIRINGS = [
    firing(date(2026, 1, 9), "bisque", 24, 0),
    firing(date(2026, 1, 13), "glaze", 18, 3),
    firing(date(2026, 2, 3), "glaze", 12, 0),
    firing(date(2026, 2, 5), "raku", 6, 3),
]


def test_by_kind():
    totals = by_kind(FIRINGS)
    assert [total.label for total in totals] == ["bisque", "glaze", "raku"]
    assert (totals[1].firings, totals[1].pieces, totals[1].lost) == (2, 30, 3)
    assert totals[1].rate == 0.9


def test_by_month():
    assert [(total.label, total.firings) for total in by_month(FIRINGS)] == [("2026-01", 2), ("2026-02", 2)]


def test_worst_skips_small_loads():
    assert worst(by_kind(FIRINGS)).label == "glaze"
    assert worst(by_kind(FIRINGS), minimum_pieces=100) is None


def test_empty_yield_and_firing_yield():
    assert Yield("none").rate == 1.0
    assert firing_yield(FIRINGS[1]) == 15 / 18
