"""Yield at make, the rennet rate, and the weight a wheel lost in the cave."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

MILK_DENSITY = 1.03  # kg per litre of whole milk

# Weight lost in ageing, as a percentage of the weight at make.
DAMP_BELOW = 3.0  # under this the rind never dried: the cave is too humid
GOOD_UP_TO = 12.0
DRY_UP_TO = 20.0  # above this the wheel is too dry (cracks, a hard rind)


@dataclass(frozen=True)
class StyleSummary:
    style: str
    batches: int
    milk_l: float
    mean_yield: float


def milk_kg(litres):
    return litres * MILK_DENSITY


def yield_percent(batch):
    """The cheese at make as a percentage of the weight of the milk."""
    return batch.make_g / (milk_kg(batch.milk_l) * 1000) * 100


def rennet_per_10l(batch):
    """Millilitres of rennet per 10 litres of milk, or None when the dose was not written down."""
    if batch.rennet_ml is None:
        return None
    return batch.rennet_ml / batch.milk_l * 10


def weight_loss(batch):
    """Percent of the weight at make lost by the time the wheel was opened; None while it is still ageing."""
    if batch.aged_g is None:
        return None
    return (batch.make_g - batch.aged_g) / batch.make_g * 100


def judge_loss(percent):
    """damp, good, dry or too dry, from the percentage of weight lost."""
    if percent < DAMP_BELOW:
        return "damp"
    if percent <= GOOD_UP_TO:
        return "good"
    if percent <= DRY_UP_TO:
        return "dry"
    return "too dry"


def mean(values):
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def by_style(batches):
    groups = defaultdict(list)
    for batch in batches:
        groups[batch.style].append(batch)
    return dict(sorted(groups.items()))


def style_summary(batches):
    """Per style: how many batches, how much milk, and the mean yield."""
    summaries = []
    for style, group in by_style(batches).items():
        milk = sum(batch.milk_l for batch in group)
        summaries.append(StyleSummary(style, len(group), milk, mean(yield_percent(batch) for batch in group)))
    return summaries
