"""Enough but not more: how sure a sampled comparison is, and when to stop sampling.

A ``--sample N`` replay draws calls stratified by task type, step kind and client
(:func:`~.select.allocate`). Each candidate's quality is then the *stratified* mean of its scores —
every stratum weighted by its share of the whole selection, not of the sample — and its 95%
interval comes from a stratified bootstrap (:data:`BOOTSTRAP_ROUNDS` resamples, each drawing every
stratum's scores with replacement; percentiles 2.5 and 97.5). The baseline scores 1 by definition, so
the difference to it is ``quality - 1`` with the same interval shifted.

``--stop-when-decided`` replays the sample in interleaved order (any prefix is stratified too) and
stops once every candidate's interval lies entirely at or above the floor or entirely below it,
looking every :func:`check_every` calls and never before :data:`MIN_DECIDED` calls. Looking often
makes an early wrong call likelier than 5%; the minimum and the spacing keep it modest — a close
call stays undecided and the whole sample is replayed.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

import numpy as np

from .select import Stratum

BOOTSTRAP_ROUNDS = 1000
MIN_DECIDED = 30
CONFIDENCE = 0.95


def check_every(sample: int) -> int:
    return max(10, sample // 40)


@dataclass(frozen=True)
class Interval:
    quality: float
    low: float
    high: float
    n: int
    verdict: str  # "above the floor", "below the floor", "undecided"

    def as_dict(self) -> dict[str, Any]:
        return {
            "quality": round(self.quality, 4),
            "interval": [round(self.low, 4), round(self.high, 4)],
            "difference": round(self.quality - 1.0, 4),
            "difference_interval": [round(self.low - 1.0, 4), round(self.high - 1.0, 4)],
            "calls": self.n,
            "verdict": self.verdict,
        }


class StratifiedScores:
    """Scores per candidate and stratum, with the population's stratum weights."""

    def __init__(self, sizes: dict[Stratum, int], *, seed: int = 0) -> None:
        total = sum(sizes.values()) or 1
        self.weights = {key: size / total for key, size in sizes.items()}
        self.scores: dict[str, dict[Stratum, array[float]]] = {}
        self.seed = seed

    def add(self, candidate: str, stratum: Stratum, score: float) -> None:
        self.scores.setdefault(candidate, {}).setdefault(stratum, array("d")).append(score)

    def interval(self, candidate: str, floor: float) -> Interval:
        strata = {key: np.asarray(values) for key, values in self.scores.get(candidate, {}).items() if len(values)}
        n = sum(len(values) for values in strata.values())
        if not strata:
            return Interval(0.0, 0.0, 1.0, 0, "undecided")
        # Strata not reached yet (early in an interleaved sample) share out their weight.
        weight_sum = sum(self.weights.get(key, 0.0) for key in strata) or 1.0
        rng = np.random.default_rng(self.seed)
        point = 0.0
        rounds = np.zeros(BOOTSTRAP_ROUNDS)
        for key, values in sorted(strata.items()):
            weight = self.weights.get(key, 0.0) / weight_sum
            point += weight * float(values.mean())
            draws = rng.integers(0, len(values), size=(BOOTSTRAP_ROUNDS, len(values)))
            rounds += weight * values[draws].mean(axis=1)
        tail = (1 - CONFIDENCE) / 2 * 100
        low, high = (float(v) for v in np.percentile(rounds, [tail, 100 - tail]))
        verdict = "undecided"
        if n >= MIN_DECIDED:
            if low >= floor - 1e-12:
                verdict = "above the floor"
            elif high < floor - 1e-12:
                verdict = "below the floor"
        return Interval(point, low, high, n, verdict)

    def intervals(self, floor: float) -> dict[str, Interval]:
        return {name: self.interval(name, floor) for name in self.scores}

    def decided(self, floor: float) -> bool:
        found = self.intervals(floor)
        return bool(found) and all(interval.verdict != "undecided" for interval in found.values())
