"""RouteLLM routing metrics: the quality vs strong-call-share curve, APGR, CPT(x).

A router gives every prompt a score; higher means "send to the strong model". Thresholding the
scores sends the top-scored share ``s`` of prompts to the strong model and the rest to the weak
one, and the mean quality obtained is ``q(s)``. Following the RouteLLM paper (Ong et al. 2024,
lm-sys/RouteLLM ``routellm/evals/evaluate.py``):

- PGR (performance gap recovered) = ``(q - q_weak) / (q_strong - q_weak)``.
- APGR = area under PGR as a function of the strong-call share ``s`` in [0, 1]. RouteLLM samples
  the curve at 10 quantile thresholds of the router scores (11 points, share 0% .. 100%) and
  integrates with the trapezoidal rule; ``bins=10`` reproduces that (sampling at 0, 10%, ..., 100%)
  and is the default so numbers are comparable with theirs. ``bins=None`` integrates the exact
  full-resolution curve. A random router scores 0.5; the perfect router can exceed 1 because it
  can beat the strong model (it sends to strong only where strong is better).
- CPT(x) = smallest strong-call share at which the curve first recovers ``x`` of the weak-to-strong
  gap (linear interpolation between curve points, like RouteLLM's ``np.interp``).

Ties in router scores are handled deterministically: all prompts with the same score are routed
together, and the curve is linear between tie-group boundaries. That straight segment is exactly
the expected curve under random tie-breaking, so the result does not depend on row order.

``share_for_quality`` (strong share needed for e.g. 95% of strong quality) is measured on the
full-resolution curve and rounded up to a whole number of prompts, because a deterministic router
can only send whole prompts; the random router's figure is its analytic expectation (a per-prompt
coin flip can realise any expected share).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: RouteLLM evaluates each router at 10 quantile thresholds (``--num-results 10``).
ROUTELLM_BINS = 10
# Curves are sums of many floats; a target reached "exactly" may miss by a few ulps.
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class QualityCurve:
    """Mean quality as a function of the share of prompts sent to the strong model.

    ``strong_share`` increases from 0 to 1; the curve is linear between points. ``discrete`` marks
    a curve realised by a deterministic router on ``n_prompts`` prompts (shares are whole prompts).
    """

    strong_share: NDArray[np.float64]
    quality: NDArray[np.float64]
    weak_quality: float
    strong_quality: float
    n_prompts: int
    discrete: bool = True

    @property
    def gap(self) -> float:
        return self.strong_quality - self.weak_quality

    def quality_at(self, share: float | ArrayLike) -> NDArray[np.float64]:
        return np.asarray(np.interp(np.asarray(share, dtype=np.float64), self.strong_share, self.quality))

    def pgr(self) -> NDArray[np.float64]:
        return performance_gap_recovered(self.quality, self.weak_quality, self.strong_quality)

    def sampled(self, bins: int | None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(shares, qualities) at ``bins + 1`` evenly spaced shares, or every point if None."""
        if bins is None:
            return self.strong_share, self.quality
        if bins < 1:
            raise ValueError(f"bins must be >= 1, got {bins}")
        shares = np.linspace(0.0, 1.0, bins + 1)
        return shares, self.quality_at(shares)


@dataclass(frozen=True)
class RouterMetrics:
    """The numbers `router eval` reports for one router (shares are fractions in [0, 1])."""

    apgr: float
    apgr_exact: float
    cpt50: float
    cpt80: float
    share_for_95: float
    share_for_strong_quality: float
    best_quality: float
    share_at_best_quality: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _as_float_array(values: ArrayLike, name: str) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_lengths(*arrays: NDArray[np.float64]) -> int:
    lengths = {len(array) for array in arrays}
    if len(lengths) != 1:
        raise ValueError(f"score arrays differ in length: {sorted(lengths)}")
    n = lengths.pop()
    if n == 0:
        raise ValueError("no prompts to evaluate")
    return n


def performance_gap_recovered(
    quality: float | ArrayLike, weak_quality: float, strong_quality: float
) -> NDArray[np.float64]:
    """PGR = (q - q_weak) / (q_strong - q_weak); NaN when strong is not better than weak."""
    gap = strong_quality - weak_quality
    quality_array = np.asarray(quality, dtype=np.float64)
    if gap <= 0:
        return np.full_like(quality_array, np.nan)
    return (quality_array - weak_quality) / gap


def quality_curve(
    weak_scores: ArrayLike, strong_scores: ArrayLike, router_scores: ArrayLike
) -> QualityCurve:
    """The curve obtained by thresholding ``router_scores`` (higher = strong) at every value."""
    weak = _as_float_array(weak_scores, "weak_scores")
    strong = _as_float_array(strong_scores, "strong_scores")
    router = _as_float_array(router_scores, "router_scores")
    n = _check_lengths(weak, strong, router)
    # Tie groups in descending score order; np.unique sorts ascending, so flip.
    unique_scores, group_of_prompt = np.unique(router, return_inverse=True)
    n_groups = len(unique_scores)
    gain_per_group = np.bincount(group_of_prompt, weights=strong - weak, minlength=n_groups)[::-1]
    size_per_group = np.bincount(group_of_prompt, minlength=n_groups)[::-1]
    strong_calls = np.concatenate([[0], np.cumsum(size_per_group)])
    gain = np.concatenate([[0.0], np.cumsum(gain_per_group)])
    weak_quality = float(weak.mean())
    strong_quality = float(strong.mean())
    quality = weak_quality + gain / n
    # Pin the end point to the strong mean so that accumulated rounding cannot move it.
    quality[-1] = strong_quality
    return QualityCurve(
        strong_share=strong_calls / n,
        quality=quality,
        weak_quality=weak_quality,
        strong_quality=strong_quality,
        n_prompts=n,
    )


def perfect_router_scores(weak_scores: ArrayLike, strong_scores: ArrayLike) -> NDArray[np.float64]:
    """The oracle: route by the true gain of the strong model (strong - weak)."""
    weak = _as_float_array(weak_scores, "weak_scores")
    strong = _as_float_array(strong_scores, "strong_scores")
    _check_lengths(weak, strong)
    return strong - weak


def perfect_curve(weak_scores: ArrayLike, strong_scores: ArrayLike) -> QualityCurve:
    return quality_curve(
        weak_scores, strong_scores, perfect_router_scores(weak_scores, strong_scores)
    )


def random_curve(weak_scores: ArrayLike, strong_scores: ArrayLike) -> QualityCurve:
    """Expected curve of a router that sends each prompt to strong with probability ``s``."""
    weak = _as_float_array(weak_scores, "weak_scores")
    strong = _as_float_array(strong_scores, "strong_scores")
    n = _check_lengths(weak, strong)
    weak_quality = float(weak.mean())
    strong_quality = float(strong.mean())
    return QualityCurve(
        strong_share=np.array([0.0, 1.0]),
        quality=np.array([weak_quality, strong_quality]),
        weak_quality=weak_quality,
        strong_quality=strong_quality,
        n_prompts=n,
        discrete=False,
    )


def apgr(curve: QualityCurve, bins: int | None = ROUTELLM_BINS) -> float:
    """Average performance gap recovered: trapezoidal area under PGR(share) on [0, 1]."""
    if curve.gap <= 0:
        return math.nan
    shares, qualities = curve.sampled(bins)
    pgr = performance_gap_recovered(qualities, curve.weak_quality, curve.strong_quality)
    return float(np.trapezoid(pgr, shares))


def _first_crossing(
    shares: NDArray[np.float64], values: NDArray[np.float64], target: float
) -> float:
    """Smallest share where the piecewise-linear curve reaches ``target`` (NaN if never)."""
    reached = np.nonzero(values >= target - _TOLERANCE)[0]
    if len(reached) == 0:
        return math.nan
    index = int(reached[0])
    if index == 0:
        return float(shares[0])
    x0, x1 = shares[index - 1], shares[index]
    y0, y1 = values[index - 1], values[index]
    return float(x0 + (x1 - x0) * min(1.0, max(0.0, (target - y0) / (y1 - y0))))


def cpt(curve: QualityCurve, recovered: float, bins: int | None = ROUTELLM_BINS) -> float:
    """CPT(x): strong-call share needed to recover ``recovered`` (0..1) of the quality gap."""
    if curve.gap <= 0:
        return math.nan
    shares, qualities = curve.sampled(bins)
    return _first_crossing(shares, qualities, curve.weak_quality + recovered * curve.gap)


def share_for_quality(curve: QualityCurve, fraction_of_strong: float = 0.95) -> float:
    """Smallest strong-call share whose quality reaches ``fraction_of_strong`` x strong quality."""
    target = fraction_of_strong * curve.strong_quality
    share = _first_crossing(curve.strong_share, curve.quality, target)
    if math.isnan(share) or not curve.discrete:
        return share
    # A deterministic router sends whole prompts: round up to the next prompt count.
    return math.ceil(share * curve.n_prompts - 1e-9) / curve.n_prompts


def curve_metrics(curve: QualityCurve, bins: int | None = ROUTELLM_BINS) -> RouterMetrics:
    best_index = int(np.argmax(curve.quality))
    return RouterMetrics(
        apgr=apgr(curve, bins),
        apgr_exact=apgr(curve, None),
        cpt50=cpt(curve, 0.5, bins),
        cpt80=cpt(curve, 0.8, bins),
        share_for_95=share_for_quality(curve, 0.95),
        share_for_strong_quality=share_for_quality(curve, 1.0),
        best_quality=float(curve.quality[best_index]),
        share_at_best_quality=float(curve.strong_share[best_index]),
    )


def router_metrics(
    weak_scores: ArrayLike,
    strong_scores: ArrayLike,
    router_scores: ArrayLike,
    bins: int | None = ROUTELLM_BINS,
) -> RouterMetrics:
    return curve_metrics(quality_curve(weak_scores, strong_scores, router_scores), bins)


def baseline_metrics(
    weak_scores: ArrayLike, strong_scores: ArrayLike, bins: int | None = ROUTELLM_BINS
) -> dict[str, RouterMetrics]:
    """Metrics of the random router (analytic expectation) and of the perfect (oracle) router."""
    return {
        "random": curve_metrics(random_curve(weak_scores, strong_scores), bins),
        "perfect": curve_metrics(perfect_curve(weak_scores, strong_scores), bins),
    }


def routellm_reference_points(
    weak_scores: Sequence[float] | ArrayLike,
    strong_scores: Sequence[float] | ArrayLike,
    router_scores: Sequence[float] | ArrayLike,
    num_results: int = ROUTELLM_BINS,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(shares, qualities) exactly as RouteLLM's ``Benchmark.evaluate`` samples them.

    Thresholds are the ``num_results``-quantile edges of the scores; each routes prompts with
    ``score >= threshold`` to strong (``>`` for the last edge). Kept to cross-check
    :func:`apgr`; unlike this module's curve it depends on how ties fall on the edges.
    """
    weak = _as_float_array(weak_scores, "weak_scores")
    strong = _as_float_array(strong_scores, "strong_scores")
    router = _as_float_array(router_scores, "router_scores")
    _check_lengths(weak, strong, router)
    edges = np.quantile(router, np.linspace(0.0, 1.0, num_results + 1))
    shares: list[float] = []
    qualities: list[float] = []
    for index, threshold in enumerate(edges):
        to_strong = router > threshold if index == len(edges) - 1 else router >= threshold
        shares.append(float(to_strong.mean()))
        qualities.append(float(np.where(to_strong, strong, weak).mean()))
    order = np.argsort(shares, kind="stable")
    return np.asarray(shares)[order], np.asarray(qualities)[order]
