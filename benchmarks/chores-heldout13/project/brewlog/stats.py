"""Per-style summaries: how many batches, the average ABV, attenuation and tasting score."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from brewlog.batches import Batch
from brewlog.gravity import apparent_attenuation
from brewlog.scores import mean_score


@dataclass(frozen=True)
class StyleSummary:
    style: str
    batches: int
    mean_abv: float
    mean_attenuation: float
    mean_score: float | None = None  # None while no batch of the style has been tasted


def average(values: list[float]) -> float:
    """The mean of some numbers (0.0 for none)."""
    return sum(values) / len(values) if values else 0.0


def group_by_style(batches):
    groups = {}
    for batch in batches:
        groups.setdefault(batch.style, []).append(batch)
    return groups


def summarize(style, batches):
    scores = [mean for batch in batches if (mean := mean_score(batch.scores)) is not None]
    return StyleSummary(
        style=style,
        batches=len(batches),
        mean_abv=average([batch.abv for batch in batches]),
        mean_attenuation=average([apparent_attenuation(batch.og, batch.fg) for batch in batches]),
        mean_score=average(scores) if scores else None,
    )


def style_summaries(batches: Iterable[Batch], min_batches: int = 1) -> list[StyleSummary]:
    """One summary per style with at least min_batches batches, most brewed first, then by name."""
    summaries = [summarize(style, group) for style, group in group_by_style(batches).items()]
    summaries = [summary for summary in summaries if summary.batches >= min_batches]
    return sorted(summaries, key=lambda summary: (-summary.batches, summary.style))


def strongest(batches, n=3):
    return sorted(batches, key=lambda batch: batch.abv, reverse=True)[:n]


def longest_ferment(batches: Iterable[Batch]) -> Batch | None:
    """The batch that spent the most days fermenting (the first of a tie), None for no batches."""
    best = None
    for batch in batches:
        if best is None or batch.ferment_days > best.ferment_days:
            best = batch
    return best
