from datetime import date

from brewlog.batches import Batch
from brewlog.scores import band, mean_score, ranked


def batch(batch_id, brewed, scores):
    return Batch(batch_id, brewed, f"Beer {batch_id}", "Saison", 1.056, 1.006, 20, scores)


def test_mean_score_to_one_decimal():
    assert mean_score((34, 36, 33)) == 34.3


def test_mean_score_of_an_untasted_batch_is_none():
    assert mean_score(()) is None


def test_bands_follow_the_bjcp_scale():
    assert band(50) == band(45) == "Outstanding"
    assert band(44.9) == band(38) == "Excellent"
    assert band(37.5) == band(30) == "Very Good"
    assert band(21) == "Good"
    assert band(20) == band(14) == "Fair"
    assert band(13) == band(0) == "Problematic"


def test_ranked_leaves_out_untasted_batches_and_breaks_ties_by_age():
    batches = [
        batch("B3", date(2026, 3, 1), (40, 40)),
        batch("B1", date(2026, 1, 1), ()),
        batch("B2", date(2026, 2, 1), (39, 41)),
        batch("B4", date(2026, 4, 1), (44, 45)),
    ]
    assert [(b.batch_id, mean) for b, mean in ranked(batches)] == [("B4", 44.5), ("B2", 40.0), ("B3", 40.0)]
    assert [b.batch_id for b, _ in ranked(batches, top=1)] == ["B4"]
