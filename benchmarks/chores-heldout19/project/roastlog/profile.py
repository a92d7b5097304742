"""What a batch's numbers say about the roast: weight loss, roast level and development time."""

from __future__ import annotations

# Upper bounds (exclusive) of the weight loss, in percent, for each level; darker above the last.
# TODO: the level thresholds should come from a config file, every roaster draws them differently
LEVELS = (
    (11.0, "under"),
    (14.0, "light"),
    (16.0, "medium"),
    (18.0, "medium-dark"),
)
DARKEST = "dark"
SHORT_DTR = 15.0
LONG_DTR = 25.0


def weight_loss(green_g: float, roasted_g: float) -> float:
    """The share of the green weight lost in the roast, in percent to one decimal."""
    if green_g <= 0 or roasted_g <= 0:
        raise ValueError("weights must be more than zero")
    if roasted_g > green_g:
        raise ValueError(f"the roasted weight {roasted_g} g is more than the green weight {green_g} g")
    return round((green_g - roasted_g) / green_g * 100, 1)


def roast_level(loss_pct: float) -> str:
    """The roast level of a weight loss (already rounded to one decimal)."""
    for bound, name in LEVELS:
        if loss_pct < bound:
            return name
    return DARKEST


def development_ratio(first_crack_s: int | None, drop_s: int) -> float | None:
    if first_crack_s is None:
        return None
    if drop_s <= 0 or not 0 <= first_crack_s < drop_s:
        raise ValueError(f"first crack at {first_crack_s}s is not before the drop at {drop_s}s")
    return round((drop_s - first_crack_s) / drop_s * 100, 1)


def dtr_verdict(ratio: float | None) -> str:
    """``short`` below 15%, ``long`` above 25%, ``ok`` in between (both ends included)."""
    if ratio is None:
        return "no crack"
    if ratio < SHORT_DTR:
        return "short"
    if ratio > LONG_DTR:
        return "long"
    return "ok"
