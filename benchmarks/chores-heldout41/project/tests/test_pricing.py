from datetime import date

import pytest

from walkies.pricing import format_money, walk_price
from walkies.walks import Walk


def walk(minutes, kind="group"):
    return Walk(date(2026, 3, 2), "Biscuit", "Okafor", minutes, 4.0, kind)


@pytest.mark.parametrize(
    ("minutes", "kind", "pence"),
    [(20, "solo", 1000), (45, "group", 1300), (60, "solo", 1900), (75, "group", 1800), (90, "solo", 2400)],
)
def test_walk_price(minutes, kind, pence):
    assert walk_price(walk(minutes, kind)) == pence


def test_format_money():
    assert format_money(1850) == "£18.50"
    assert format_money(-750) == "-£7.50"
