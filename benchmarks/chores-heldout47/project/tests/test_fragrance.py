from datetime import date

import pytest

from pourlog.batches import Batch
from pourlog.fragrance import fragrance_load, rate_batch, rate_load


def batch(product, base_g, fragrance_g):
    return Batch("C-001", date(2026, 3, 2), product, "Lavender", base_g, fragrance_g, None, 6)


def test_load_is_a_percentage_of_the_base():
    assert fragrance_load(batch("container", 900, 72)) == pytest.approx(8.0)


@pytest.mark.parametrize(
    ("load", "family", "rating"),
    [
        (0, "candle", "unscented"),
        (5.9, "candle", "faint"),
        (6.0, "candle", "ok"),
        (10.0, "candle", "ok"),
        (10.1, "candle", "over"),
        (2.9, "soap", "faint"),
        (5.0, "soap", "ok"),
        (5.5, "soap", "over"),
    ],
)
def test_rate_load(load, family, rating):
    assert rate_load(load, family) == rating


def test_rate_batch_uses_the_family_of_the_product():
    assert rate_batch(batch("container", 1000, 60)) == "ok"
    assert rate_batch(batch("cold process", 1000, 60)) == "over"
