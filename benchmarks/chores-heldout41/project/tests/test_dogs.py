from datetime import date

import pytest

from walkies.dogs import dog_totals
from walkies.walks import Walk


def test_dog_totals_skip_unmeasured_distances():
    walks = [
        Walk(date(2026, 3, 2), "Luna", "Patel", 45, 3.1, "solo"),
        Walk(date(2026, 3, 3), "Luna", "Patel", 45, None, "solo"),
        Walk(date(2026, 3, 3), "Biscuit", "Okafor", 60, 4.0, "group"),
    ]
    luna = dog_totals(walks)[1]
    assert (luna.dog, luna.walks, luna.minutes, luna.km, luna.unmeasured) == ("Luna", 2, 90, 3.1, 1)
    assert [row.dog for row in dog_totals(walks, "km")] == ["Biscuit", "Luna"]


def test_dog_totals_unknown_sort():
    with pytest.raises(ValueError):
        dog_totals([], "age")
