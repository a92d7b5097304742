from datetime import date

import pytest

from curdlog.batches import Batch
from curdlog.yields import judge_loss, rennet_per_10l, style_summary, weight_loss, yield_percent


def batch(style="Cheddar", milk=10.0, make=1030.0, aged=None, rennet=2.5):
    return Batch("B1", date(2026, 1, 1), style, milk, rennet, make, None if aged is None else 60, aged)


def test_yield_percent_is_of_the_milk_weight():
    assert yield_percent(batch()) == pytest.approx(10.0)


def test_rennet_per_10l():
    assert rennet_per_10l(batch(milk=5.0, rennet=1.5)) == pytest.approx(3.0)
    assert rennet_per_10l(batch(rennet=None)) is None


def test_weight_loss():
    assert weight_loss(batch(make=800.0, aged=720.0)) == pytest.approx(10.0)
    assert weight_loss(batch()) is None


@pytest.mark.parametrize(("percent", "verdict"), [(1.5, "damp"), (8.0, "good"), (15.0, "dry"), (26.0, "too dry")])
def test_judge_loss(percent, verdict):
    assert judge_loss(percent) == verdict


def test_style_summary_groups_by_style():
    summaries = style_summary([batch(), batch(style="Feta", milk=4.0, make=618.0), batch(make=1236.0)])
    assert [(s.style, s.batches) for s in summaries] == [("Cheddar", 2), ("Feta", 1)]
    assert summaries[0].milk_l == pytest.approx(20.0)
    assert summaries[0].mean_yield == pytest.approx(11.0)
