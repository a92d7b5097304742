from datetime import date

import pytest

from brewlog.batches import Batch
from brewlog.stats import average, longest_ferment, strongest, style_summaries


def batch(batch_id, style, og, fg, days=14, scores=()):
    return Batch(batch_id, date(2026, 1, int(batch_id[1:])), batch_id, style, og, fg, days, scores)


BATCHES = [
    batch("B1", "Irish Stout", 1.044, 1.012, 12, (36, 38)),
    batch("B2", "Saison", 1.058, 1.004, 21, (42,)),
    batch("B3", "Irish Stout", 1.046, 1.013, 12, ()),
    batch("B4", "American IPA", 1.064, 1.012, 30, (30, 34)),
]


def test_style_summaries_most_brewed_first():
    summaries = style_summaries(BATCHES)
    assert [(s.style, s.batches) for s in summaries] == [("Irish Stout", 2), ("American IPA", 1), ("Saison", 1)]


def test_style_summary_numbers():
    stout = style_summaries(BATCHES)[0]
    assert stout.mean_abv == pytest.approx((4.2 + 4.33125) / 2)
    assert stout.mean_attenuation == pytest.approx((72.7273 + 71.7391) / 2, abs=1e-3)
    assert stout.mean_score == 37.0  # the untasted batch does not count


def test_min_batches():
    assert [s.style for s in style_summaries(BATCHES, min_batches=2)] == ["Irish Stout"]


def test_a_style_nobody_tasted_has_no_score():
    summaries = style_summaries([batch("B9", "Schwarzbier", 1.048, 1.012)])
    assert summaries[0].mean_score is None


def test_strongest():
    assert [b.batch_id for b in strongest(BATCHES, 2)] == ["B2", "B4"]


def test_longest_ferment():
    assert longest_ferment(BATCHES).batch_id == "B4"
    assert longest_ferment([]) is None


def test_average_of_nothing():
    # TODO: decide whether an empty average should be None rather than 0.0
    assert average([]) == 0.0
