from datetime import date
from pathlib import Path

import pytest

from seedbox.packets import load_packets, parse_packed
from seedbox.parse import Quantity

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_load_packets_reads_and_sorts_the_log():
    packets = load_packets(FIXTURES / "mini.csv")
    assert [(p.crop, p.variety) for p in packets] == [
        ("french bean", "Lazy Housewife"), ("parsnip", "Parsnip Gladiator F1"),
        ("tomato", "Moneymaker"), ("tomato", "Moneymaker"),
    ]  # fmt: skip
    parsnip = packets[1]
    assert parsnip.sow_by == date(2025, 12, 31)
    assert parsnip.quantity == Quantity(1.0, "g")
    assert parsnip.germination == pytest.approx(0.1)
    assert parsnip.hybrid and not packets[0].hybrid
    assert packets[3].source == "swap" and packets[3].germination is None


def test_a_bad_row_is_an_error():
    with pytest.raises(ValueError):
        load_packets(FIXTURES / "bad.csv")


@pytest.mark.parametrize(
    ("text", "year"), [("2024", 2024), ("autumn 2024", 2024), ("packed for 2025", 2025), ("", None)]
)
def test_parse_packed(text, year):
    assert parse_packed(text) == year
