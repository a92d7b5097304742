from datetime import date

from stringlog.log import StringChange
from stringlog.wear import wear


def _change(day, coated=False):
    return StringChange(day, "telecaster", "Ernie Ball", (10, 46), coated)


def test_fresh_worn_dead():
    day = date(2026, 1, 1)
    assert wear(_change(day), date(2026, 1, 1)).status == "fresh"
    assert wear(_change(day), date(2026, 3, 10)).status == "worn"  # 68 days
    assert wear(_change(day), date(2026, 4, 1)).status == "dead"  # 90 days


def test_coated_sets_last_longer():
    assert wear(_change(date(2026, 1, 1), coated=True), date(2026, 4, 1)).status == "fresh"


# TODO: a test for a change dated after "today"
