"""The data side of ``agentrunner router train|calibrate``: outcome data from the ledger, and the
routing threshold that keeps quality at a floor for the lowest cost.

**Outcome data from the ledger.** ``compare`` replays ledger calls through candidate configurations
and scores every answer against the original one in the ``scores`` table
(``call_id`` = the answer's call, ``baseline_call_id`` = the original). :func:`export_ledger_outcomes`
turns those stored scores into an outcome dataset (``shared/data/routing/README.md`` format) with
compare's own :class:`~agentrunner.replay.compare.OutcomeWriter`, so the file is exactly what
``compare --outcomes-out`` writes, but without replaying anything: no model is called. The original
call's model scores 1 (it is the reference), every scored answer its stored score.

**Calibration.** The learned classifier gives ``p = P(cheap answer is good enough)``; the router
keeps the cheap tier when ``p >= threshold`` and sends the step up otherwise. On held-out rows
(rows the scoring classifier never trained on), :func:`choose_threshold` tries every threshold that
changes the routing and keeps the cheapest one whose mean quality is at least
``floor × strong-only quality``. Cheapest means fewest strong calls, or the lowest total cost when
every held-out outcome of both models carries ``cost_usd``.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tomlkit
from numpy.typing import NDArray
from tomlkit.items import Item, Table

from ..errors import UsageError
from ..ledger import Ledger
from ..replay.compare import OutcomeWriter
from ..replay.engine import ReplayResult, answer_text, prompt_text, request_from_row
from ..replay.select import parse_since
from .outcomes import OutcomeRow

# -- outcome data from the ledger ------------------------------------------------------------------

# select.BASE_WHERE (the originals replay can use), on the ``base`` alias of the join.
_ORIGINALS_WHERE = (
    "base.status = 'ok' AND base.replay_of IS NULL AND coalesce(base.replayable, 1) = 1 "
    "AND base.request_json IS NOT NULL"
)


@dataclass
class LedgerExport:
    path: Path
    rows: int
    scored_answers: int


def export_ledger_outcomes(ledger: Ledger, out_path: Path, *, since: str | None = None) -> LedgerExport:
    """Write the outcome dataset of every original call that has scored replay answers.

    ``since`` (``30d``, ``2026-11-01``, …) keeps originals started since then. The file is written
    atomically (a partial file until the last row).
    """
    where = _ORIGINALS_WHERE
    params: list[Any] = []
    if since:
        where += " AND base.ts_start >= ?"
        params.append(parse_since(since))
    # Newest score first: when an answer was scored twice (another scorer, a re-run), the first
    # one OutcomeWriter sees is kept.
    sql = (
        "SELECT s.baseline_call_id AS baseline_id, s.score AS score, s.scorer AS scorer, "
        "answer.id AS call_id, answer.model AS model, answer.tier AS tier, "
        "answer.config_name AS config_name, answer.response_text AS response_text, "
        "answer.response_json AS response_json, answer.cost_usd AS cost_usd, "
        "answer.latency_ms AS latency_ms, answer.input_tokens AS input_tokens, "
        "answer.output_tokens AS output_tokens "
        "FROM scores AS s JOIN calls AS answer ON answer.id = s.call_id "
        "JOIN calls AS base ON base.id = s.baseline_call_id "
        f"WHERE {where} AND answer.status = 'ok' "
        "ORDER BY base.ts_start, s.baseline_call_id, s.id DESC"
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    writer = OutcomeWriter(out_path)
    ok = False
    scored = 0
    try:
        cursor = ledger.db.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        current: str | None = None
        results: list[ReplayResult] = []
        for values in cursor:
            answer = dict(zip(columns, values, strict=True))
            if answer["baseline_id"] != current:
                if current is not None:
                    _write_original(ledger, writer, current, results)
                current, results = answer["baseline_id"], []
            results.append(_result_from_answer(answer))
            scored += 1
        if current is not None:
            _write_original(ledger, writer, current, results)
        ok = True
    finally:
        writer.close(ok)
    return LedgerExport(path=out_path, rows=writer.rows, scored_answers=scored)


def _result_from_answer(answer: dict[str, Any]) -> ReplayResult:
    return ReplayResult(
        baseline_id=answer["baseline_id"],
        config_name=answer["config_name"] or answer["tier"] or "ledger",
        tier=answer["tier"],
        model=answer["model"] or answer["tier"],
        call_id=answer["call_id"],
        text=answer_text(answer),
        cost_usd=answer["cost_usd"],
        latency_ms=answer["latency_ms"],
        input_tokens=answer["input_tokens"],
        output_tokens=answer["output_tokens"],
        cached=False,
        paid_usd=0.0,
        score=float(answer["score"]),
        scorer=answer["scorer"],
    )


def _write_original(ledger: Ledger, writer: OutcomeWriter, baseline_id: str, results: list[ReplayResult]) -> None:
    original = ledger.get_call(baseline_id)
    if original is None:
        return
    try:
        prompt = prompt_text(request_from_row(original))
    except UsageError:  # the request cannot be rebuilt: nothing to learn a prompt from
        return
    writer.write(original, prompt, results)


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _candidate_thresholds(p_ok: NDArray[np.float64]) -> list[float]:
    """One threshold per distinct routing, each halfway between neighbouring scores (so that a
    score slightly off a training value routes the same way), plus the ends 0 and 1."""
    values = np.unique(np.clip(p_ok, 0.0, 1.0))
    middles = ((values[:-1] + values[1:]) / 2).tolist()
    return sorted({0.0, *middles, 1.0})


def choose_threshold(
    p_ok: Sequence[float] | NDArray[np.float64],
    weak_scores: Sequence[float] | NDArray[np.float64],
    strong_scores: Sequence[float] | NDArray[np.float64],
    floor: float,
    *,
    weak_costs: Sequence[float] | None = None,
    strong_costs: Sequence[float] | None = None,
) -> ThresholdChoice:
    """The cheapest threshold whose quality is ``>= floor × strong-only quality``.

    A row goes to the strong model when ``p_ok < threshold``. Cost is the strong-call share, or the
    summed ``cost_usd`` when both cost lists are given. Ties in cost go to the higher quality, then
    to the lower threshold. When no threshold reaches the floor, the highest-quality one is
    returned with ``reached = False``.
    """
    if not 0.0 < floor <= 1.5:
        raise UsageError(f"--quality-floor must be in (0, 1.5], got {floor}")
    p = np.asarray(p_ok, dtype=np.float64)
    weak = np.asarray(weak_scores, dtype=np.float64)
    strong = np.asarray(strong_scores, dtype=np.float64)
    if not (len(p) == len(weak) == len(strong)) or len(p) == 0:
        raise ValueError("p_ok, weak_scores and strong_scores must be non-empty and of equal length")
    costed = weak_costs is not None and strong_costs is not None
    weak_cost = np.asarray(weak_costs if costed else np.zeros(len(p)), dtype=np.float64)
    strong_cost = np.asarray(strong_costs if costed else np.ones(len(p)), dtype=np.float64)
    strong_quality = float(strong.mean())
    target = floor * strong_quality
    best: tuple[tuple[float, float, float], ThresholdChoice] | None = None
    fallback: tuple[tuple[float, float, float], ThresholdChoice] | None = None
    for threshold in _candidate_thresholds(p):
        to_strong = p < threshold
        quality = float(np.where(to_strong, strong, weak).mean())
        cost = float(np.where(to_strong, strong_cost, weak_cost).sum())
        share = float(to_strong.mean())
        reached = quality >= target - 1e-12
        choice = ThresholdChoice(
            threshold=round(threshold, 6),
            reached=reached,
            floor=floor,
            n_rows=len(p),
            quality=quality,
            strong_quality=strong_quality,
            weak_quality=float(weak.mean()),
            relative_quality=quality / strong_quality if strong_quality > 0 else math.nan,
            strong_share=share,
            cost_usd=cost if costed else None,
            strong_cost_usd=float(strong_cost.sum()) if costed else None,
        )
        if reached:
            key = (cost, -quality, threshold)
            if best is None or key < best[0]:
                best = (key, choice)
        fallback_key = (-quality, cost, threshold)
        if fallback is None or fallback_key < fallback[0]:
            fallback = (fallback_key, choice)
    assert fallback is not None
    return best[1] if best is not None else fallback[1]


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
        if "threshold" in router:
            router["threshold"] = _with_same_trivia(router.item("threshold"), value)
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
    mode = config_file.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{config_file.name}.", dir=config_file.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(new_text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, config_file)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"{config_file}: cannot write: {exc.strerror or exc}") from None
    return old_text, new_text

