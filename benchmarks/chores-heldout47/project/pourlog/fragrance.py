"""Fragrance load: the fragrance oil as a percentage of the wax or soaping oils, and how it rates."""

from __future__ import annotations

from pourlog.batches import Batch

# (faint below, over above), in percent of the base weight; a load on either limit is ok.
LIMITS = {
    "candle": (6.0, 10.0),  # what the wax takes before it sweats
    "soap": (3.0, 5.0),  # the supplier's safe maximum for skin
}


def fragrance_load(batch: Batch) -> float:
    """Percent of fragrance by weight of the wax or oils (not of the whole batch)."""
    return batch.fragrance_g / batch.base_g * 100


def rate_load(load: float, family: str) -> str:
    """unscented, faint, ok or over for a load in percent, by the limits of candles or soap."""
    if load == 0:
        return "unscented"
    faint, over = LIMITS[family]
    if load < faint:
        return "faint"
    if load > over:
        return "over"
    return "ok"


def rate_batch(batch: Batch) -> str:
    """The rating of a batch's fragrance load (rounded to 0.1% first, as it is shown)."""
    return rate_load(round(fragrance_load(batch), 1), batch.family)
