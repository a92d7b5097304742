from datetime import date

import pytest
from hivelog.inspections import Inspection
from hivelog.varroa import latest_counts, mite_rate, needing_treatment


def test_mite_rate_is_per_100_bees():
    assert mite_rate(9, 300) == pytest.approx(3.0)
    assert mite_rate(5) == pytest.approx(5 / 3)


def test_mite_rate_rejects_an_empty_sample():
    with pytest.raises(ValueError):
        mite_rate(3, 0)


def test_latest_counts_skip_inspections_without_a_wash():
    inspections = [
        Inspection(date(2026, 5, 2), "Clover", 8, True, 12, 300),
        Inspection(date(2026, 5, 16), "Clover", 6, True, None),
        Inspection(date(2026, 5, 9), "Bramble", 6, True, 1, 200),
    ]
    counts = latest_counts(inspections)
    assert [(c.hive, c.day) for c in counts] == [("Bramble", date(2026, 5, 9)), ("Clover", date(2026, 5, 2))]
    assert counts[1].rate == pytest.approx(4.0)
    assert needing_treatment(inspections) == ["Clover"]
