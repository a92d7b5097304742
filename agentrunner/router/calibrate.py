"""The routing threshold that keeps quality at a floor for the lowest cost
(``agentrunner router calibrate``). The outcome data comes from a file or from the ledger
(:mod:`agentrunner.replay.ledger_outcomes`).

**Calibration.** The learned classifier gives ``p = P(cheap answer is good enough)``; the router
keeps the cheap tier when ``p >= threshold`` and sends the step up otherwise. On held-out rows
(rows the scoring classifier never trained on), :func:`choose_threshold` tries every threshold that
changes the routing and keeps the cheapest one whose mean quality is at least
``floor × strong-only quality``. Cheapest means fewest strong calls, or the lowest total cost when
every held-out outcome of both models carries ``cost_usd``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import tomlkit
from numpy.typing import NDArray
from tomlkit.items import Item, Table

from ..atomic import atomic_write
from ..errors import OutcomeDataError, UsageError
from .outcomes import OutcomeRow, pick_weak_strong, rows_with_models

if TYPE_CHECKING:
    from .embedding import EmbeddingSpec
    from .learned import LearnedClassifier

# -- choosing the threshold ------------------------------------------------------------------------


@dataclass(frozen=True)
class ThresholdChoice:
    """The chosen threshold and what it gives on the held-out rows."""

    threshold: float
    reached: bool  # False: no threshold reaches the floor; the best-quality one was kept
    floor: float
    n_rows: int
    quality: float  # mean score with this threshold
    strong_quality: float  # mean score with every row on the strong model
    weak_quality: float
    relative_quality: float  # quality / strong_quality
    strong_share: float  # share of rows sent to the strong model
    cost_usd: float | None  # total cost with this threshold, when every outcome has a cost
    strong_cost_usd: float | None  # total cost with every row on the strong model
    #: Share of bootstrap resamples of the rows in which this threshold meets the floor.
    reach_probability: float
    #: 5th and 95th percentile of the relative quality over those resamples.
    relative_quality_low: float
    relative_quality_high: float
    confidence: float | None  # the reach probability asked for (None: the point estimate decides)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


#: A threshold sweep tries at most this many thresholds (evenly spread over the distinct scores).
MAX_CANDIDATES = 2001
BOOTSTRAP_RESAMPLES = 300
_BOOTSTRAP_CHUNK = 25


@dataclass
class _Sweep:
    """Every candidate threshold with the rows it sends to strong (a prefix of the rows by score)."""

    thresholds: NDArray[np.float64]
    strong_rows: NDArray[np.intp]  # rows with p < threshold: a prefix length of the sorted rows
    order: NDArray[np.intp]  # row indices by ascending p


def _sweep(p: NDArray[np.float64]) -> _Sweep:
    """One threshold per distinct routing, halfway between neighbouring scores (so a score
    slightly off a calibration value routes the same way), plus 0 (nothing to strong) and 1."""
    order = np.argsort(p, kind="stable")
    values, counts = np.unique(p, return_counts=True)
    prefix = np.concatenate([[0], np.cumsum(counts)])  # prefix[j] rows have p < values[j]
    thresholds = [0.0]
    for j in range(1, len(values)):
        low, high = float(values[j - 1]), float(values[j])
        middle = (low + high) / 2
        rounded = round(middle, 6)  # short in routes.toml, unless that would route differently
        thresholds.append(rounded if low < rounded <= high else middle)
    strong_rows = list(prefix[: len(values)])
    if values[-1] < 1.0:
        thresholds.append(1.0)
        strong_rows.append(int(prefix[-1]))
    if len(thresholds) > MAX_CANDIDATES:
        keep = np.unique(np.linspace(0, len(thresholds) - 1, MAX_CANDIDATES).round().astype(int))
        thresholds = [thresholds[i] for i in keep]
        strong_rows = [strong_rows[i] for i in keep]
    return _Sweep(np.asarray(thresholds), np.asarray(strong_rows, dtype=np.intp), order)


def _bootstrap_relative_quality(
    sweep: _Sweep, weak: NDArray[np.float64], strong: NDArray[np.float64], resamples: int, seed: int
) -> NDArray[np.float64]:
    """(resamples × thresholds) relative quality on bootstrap resamples of the rows."""
    n_rows = len(weak)
    gain_sorted = (strong - weak)[sweep.order]
    rng = np.random.default_rng(seed)
    result = np.empty((resamples, len(sweep.thresholds)))
    for start in range(0, resamples, _BOOTSTRAP_CHUNK):
        size = min(_BOOTSTRAP_CHUNK, resamples - start)
        counts = rng.multinomial(n_rows, np.full(n_rows, 1.0 / n_rows), size=size).astype(np.float64)
        weak_total = counts @ weak
        strong_total = counts @ strong
        cumulative = np.concatenate([np.zeros((size, 1)), np.cumsum(counts[:, sweep.order] * gain_sorted, axis=1)], 1)
        quality = weak_total[:, None] + cumulative[:, sweep.strong_rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            result[start : start + size] = quality / strong_total[:, None]
    return result


def choose_threshold(
    p_ok: Sequence[float] | NDArray[np.float64],
    weak_scores: Sequence[float] | NDArray[np.float64],
    strong_scores: Sequence[float] | NDArray[np.float64],
    floor: float,
    *,
    weak_costs: Sequence[float] | None = None,
    strong_costs: Sequence[float] | None = None,
    confidence: float | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> ThresholdChoice:
    """The cheapest threshold whose quality is ``>= floor × strong-only quality``.

    A row goes to the strong model when ``p_ok < threshold``. Cost is the strong-call share, or the
    summed ``cost_usd`` when both cost lists are given. Ties in cost go to the higher quality, then
    to the lower threshold. With ``confidence`` (e.g. 0.8), a threshold must meet the floor in that
    share of bootstrap resamples of the rows, not just on the rows as they are: a margin for the
    noise of a small held-out set. When no threshold reaches the floor, the highest-quality one is
    returned with ``reached = False``.
    """
    if not 0.0 < floor <= 1.5:
        raise UsageError(f"--quality-floor must be in (0, 1.5], got {floor}")
    if confidence is not None and not 0.0 < confidence < 1.0:
        raise UsageError(f"--confidence must be between 0 and 1 (exclusive), got {confidence}")
    p = np.clip(np.asarray(p_ok, dtype=np.float64), 0.0, 1.0)
    weak = np.asarray(weak_scores, dtype=np.float64)
    strong = np.asarray(strong_scores, dtype=np.float64)
    if not (len(p) == len(weak) == len(strong)) or len(p) == 0:
        raise ValueError("p_ok, weak_scores and strong_scores must be non-empty and of equal length")
    n_rows = len(p)
    costed = weak_costs is not None and strong_costs is not None
    weak_cost = np.asarray(weak_costs if costed else np.zeros(n_rows), dtype=np.float64)
    strong_cost = np.asarray(strong_costs if costed else np.ones(n_rows), dtype=np.float64)

    sweep = _sweep(p)
    prefix_gain = np.concatenate([[0.0], np.cumsum((strong - weak)[sweep.order])])
    prefix_cost = np.concatenate([[0.0], np.cumsum((strong_cost - weak_cost)[sweep.order])])
    quality = (weak.sum() + prefix_gain[sweep.strong_rows]) / n_rows
    cost = weak_cost.sum() + prefix_cost[sweep.strong_rows]
    strong_quality = float(strong.mean())
    relative = _bootstrap_relative_quality(sweep, weak, strong, resamples, seed)
    reach_probability = (relative >= floor - 1e-12).mean(axis=0)
    point_reached = quality >= floor * strong_quality - 1e-12
    reached = point_reached if confidence is None else reach_probability >= confidence
    candidates = np.arange(len(sweep.thresholds))
    if reached.any():
        chosen = min(candidates[reached], key=lambda j: (cost[j], -quality[j], sweep.thresholds[j]))
    else:
        chosen = min(candidates, key=lambda j: (-quality[j], cost[j], sweep.thresholds[j]))
    low, high = np.nanpercentile(relative[:, chosen], [5, 95])
    return ThresholdChoice(
        threshold=float(sweep.thresholds[chosen]),
        reached=bool(reached[chosen]),
        floor=floor,
        n_rows=n_rows,
        quality=float(quality[chosen]),
        strong_quality=strong_quality,
        weak_quality=float(weak.mean()),
        relative_quality=float(quality[chosen]) / strong_quality if strong_quality > 0 else math.nan,
        strong_share=float(sweep.strong_rows[chosen]) / n_rows,
        cost_usd=float(cost[chosen]) if costed else None,
        strong_cost_usd=float(strong_cost.sum()) if costed else None,
        reach_probability=float(reach_probability[chosen]),
        relative_quality_low=float(low),
        relative_quality_high=float(high),
        confidence=confidence,
    )


def holdout_split(
    rows: Sequence[OutcomeRow], weak: str, strong: str, fraction: float, seed: int
) -> tuple[list[OutcomeRow], list[OutcomeRow]]:
    """(training rows, held-out rows): seeded, stratified on "strong is better" when possible."""
    if not 0.0 < fraction < 1.0:
        raise UsageError(f"--holdout must be between 0 and 1 (exclusive), got {fraction}")
    n_rows = len(rows)
    n_held = max(1, round(n_rows * fraction))
    if n_held >= n_rows - 1:
        raise UsageError(f"--holdout {fraction} leaves fewer than 2 of {n_rows} rows to train on")
    strong_better = np.array([row.outcomes[strong].score > row.outcomes[weak].score for row in rows])
    rng = np.random.default_rng(seed)
    held: list[int] = []
    groups = [np.nonzero(strong_better)[0], np.nonzero(~strong_better)[0]]
    if min(len(group) for group in groups) >= 2:
        # Each class contributes its share of the held-out rows (rounded; the total is fixed).
        first = round(n_held * len(groups[0]) / n_rows)
        first = min(max(first, 1), len(groups[0]) - 1, n_held - 1) if n_held >= 2 else first
        for group, count in ((groups[0], first), (groups[1], n_held - first)):
            held.extend(rng.permutation(group)[:count].tolist())
    else:
        held = rng.permutation(n_rows)[:n_held].tolist()
    held_set = set(held)
    training = [row for index, row in enumerate(rows) if index not in held_set]
    return training, [rows[index] for index in sorted(held_set)]


def outcome_costs(rows: Sequence[OutcomeRow], model: str) -> list[float] | None:
    """Every row's ``cost_usd`` for ``model``, or None when any is unknown."""
    costs = [row.outcomes[model].cost_usd for row in rows]
    if any(cost is None for cost in costs):
        return None
    return [float(cost) for cost in costs if cost is not None]


# -- writing router.threshold into routes.toml -------------------------------------------------------


def _with_same_trivia(old: Item, value: float) -> Item:
    """``value`` as a TOML item laid out like ``old``: indent, comment, and the comment's column."""
    new = tomlkit.item(value)
    new.trivia.indent = old.trivia.indent
    new.trivia.comment = old.trivia.comment
    new.trivia.trail = old.trivia.trail
    width_change = len(new.as_string()) - len(old.as_string())
    whitespace = old.trivia.comment_ws
    if old.trivia.comment and width_change and whitespace.strip(" ") == "":
        whitespace = " " * max(1, len(whitespace) - width_change)
    new.trivia.comment_ws = whitespace
    return new


def set_threshold_text(text: str, threshold: float) -> str:
    """routes.toml text with ``[router] threshold`` set; everything else is kept byte for byte."""
    document = tomlkit.parse(text)
    value = round(float(threshold), 6)
    router = document.get("router")
    if router is None:
        table = tomlkit.table()
        table["threshold"] = value
        document["router"] = table
    elif isinstance(router, Table | tomlkit.items.InlineTable):
        old = router.item("threshold") if "threshold" in router else None
        if isinstance(old, Item):
            router["threshold"] = _with_same_trivia(old, value)
        else:
            router["threshold"] = value
    else:
        raise UsageError("routes.toml: router: expected a table")
    return tomlkit.dumps(document)


def write_threshold(config_file: Path, threshold: float) -> tuple[str, str]:
    """Set ``router.threshold`` in ``config_file`` atomically; returns (old text, new text)."""
    try:
        old_text = config_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{config_file}: cannot read: {exc.strerror or exc}") from None
    new_text = set_threshold_text(old_text, threshold)
    if new_text == old_text:
        return old_text, new_text
    try:
        atomic_write(config_file, new_text)
    except OSError as exc:
        raise UsageError(f"{config_file}: cannot write: {exc.strerror or exc}") from None
    return old_text, new_text



# -- the whole calibration -------------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """What ``router calibrate`` found: the threshold choice, the models and how rows were held out."""

    choice: ThresholdChoice
    weak: str
    strong: str
    protocol: str  # which rows were scored by what, in words


def calibrate(
    rows: Sequence[OutcomeRow],
    source: Path,
    floor: float,
    *,
    weak: str | None = None,
    strong: str | None = None,
    trained: LearnedClassifier | None = None,
    use_trained: bool = False,
    holdout: float = 0.3,
    seed: int = 0,
    cascade: bool = False,
    confidence: float | None = None,
    embedding: EmbeddingSpec | None = None,
    mode: str = "semantic",
) -> Calibration:
    """Pick the models (given, else the ``trained`` model's pair when the data has both, else by
    :func:`~agentrunner.router.outcomes.pick_weak_strong`), score held-out rows and choose the
    threshold.

    With ``use_trained`` every usable row is scored by ``trained`` (refused when it was trained on
    ``source`` itself: its scores there are not held-out); otherwise a classifier is fit on the rows
    :func:`holdout_split` keeps for training and scores the others. ``cascade`` scores with the weak
    model's answer. The classifier fit here reads the same features as ``trained`` (its prompt
    embedding, if any; else ``embedding``), scored in ``mode`` (``router.features``: a threshold
    calibrated on semantic scores is the threshold for semantic decisions). Bad data or options
    raise :class:`~agentrunner.errors.UsageError` subclasses.
    """
    from .learned import LearnedClassifier, file_sha256  # scikit-learn: only when calibrating

    if not 0.0 < floor <= 1.5:
        raise UsageError(f"--quality-floor must be in (0, 1.5], got {floor}")
    if trained is not None and weak is None and strong is None:
        names = (trained.metadata.get("weak"), trained.metadata.get("strong"))
        known = {model for row in rows for model in row.outcomes}
        if isinstance(names[0], str) and isinstance(names[1], str) and names[0] in known and names[1] in known:
            weak, strong = names
    weak, strong = pick_weak_strong(rows, weak, strong, source=source)
    usable = rows_with_models(rows, weak, strong, minimum=4, purpose="calibration", source=source)

    scorer: LearnedClassifier
    if use_trained:
        if trained is None:
            raise UsageError("--use-trained: no trained model; run `agentrunner router train` first")
        if trained.metadata.get("dataset_sha256") == file_sha256(source):
            raise UsageError(
                f"{source}: the saved model was trained on this file, so its scores here are not held-out; "
                "drop --use-trained (a classifier is then fit on the other rows)"
            )
        scorer, held, protocol = trained, usable, f"all {len(usable)} rows, scored by the saved model"
    else:
        training_rows, held = holdout_split(usable, weak, strong, holdout, seed)
        try:
            features = trained.embedding if trained is not None else embedding
            scorer = LearnedClassifier(features).fit(training_rows, weak, strong)
        except ValueError as exc:
            raise OutcomeDataError(f"{source}: {exc}") from None
        protocol = (
            f"{len(held)} of {len(usable)} rows held out (--holdout {holdout:g}, seed {seed}); "
            f"classifier fit on the other {len(training_rows)}"
        )
    answers = [row.response(weak) for row in held] if cascade else None
    p_ok = scorer.predict_many([row.prompt for row in held], answers, mode=mode)
    weak_costs, strong_costs = outcome_costs(held, weak), outcome_costs(held, strong)
    costed = weak_costs is not None and strong_costs is not None
    choice = choose_threshold(
        p_ok,
        [row.outcomes[weak].score for row in held],
        [row.outcomes[strong].score for row in held],
        floor,
        weak_costs=weak_costs if costed else None,
        strong_costs=strong_costs if costed else None,
        confidence=confidence,
        seed=seed,
    )
    return Calibration(choice=choice, weak=weak, strong=strong, protocol=protocol)
