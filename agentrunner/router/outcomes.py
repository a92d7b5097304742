"""Outcome datasets: per prompt, how good each model's answer was.

An outcome dataset is JSONL, one prompt per line::

    {"id": "gsm8k/17", "prompt": "...", "category": "gsm8k",
     "outcomes": {"model-a": {"score": 1.0, "response": "..."}, "model-b": {"score": 0.0}}}

``score`` is in [0, 1] (1 = best). ``response``, ``input_tokens``, ``output_tokens``, ``cost_usd``
and ``latency_ms`` are optional per outcome; ``category`` is optional per row. Unknown keys are
ignored so that datasets can carry extra metadata.

Every problem found while parsing raises :class:`OutcomeDataError` with a one-line message that
starts with ``file:line:`` so that the user can jump straight to the bad record.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OutcomeDataError


@dataclass(frozen=True, slots=True)
class ModelOutcome:
    """How one model did on one prompt."""

    score: float
    response: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    latency_ms: float | None = None


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    """One prompt with the outcome of every model that answered it."""

    id: str
    prompt: str
    outcomes: dict[str, ModelOutcome]
    category: str | None = None
    line_number: int = field(default=0, compare=False)

    def score(self, model: str) -> float:
        return self.outcomes[model].score

    def response(self, model: str) -> str | None:
        outcome = self.outcomes.get(model)
        return outcome.response if outcome is not None else None


def _is_number(value: Any) -> bool:
    # bool is an int subclass; `true` as a score or a token count is almost certainly a mistake.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _optional_number(
    outcome: dict[str, Any], key: str, where: str, integer: bool = False
) -> float | int | None:
    value = outcome.get(key)
    if value is None:
        return None
    if not _is_number(value) or not math.isfinite(value) or value < 0:
        raise OutcomeDataError(f"{where}: '{key}' must be a non-negative number, got {value!r}")
    if integer:
        if value != int(value):
            raise OutcomeDataError(f"{where}: '{key}' must be an integer, got {value!r}")
        return int(value)
    return float(value)


def _parse_outcome(model: str, outcome: Any, where: str) -> ModelOutcome:
    where = f"{where}: model '{model}'"
    if not isinstance(outcome, dict):
        raise OutcomeDataError(f"{where}: outcome must be an object, got {type(outcome).__name__}")
    if "score" not in outcome:
        raise OutcomeDataError(f"{where}: missing field 'score'")
    score = outcome["score"]
    if not _is_number(score) or not math.isfinite(score):
        raise OutcomeDataError(f"{where}: 'score' must be a number in [0, 1], got {score!r}")
    if not 0.0 <= score <= 1.0:
        raise OutcomeDataError(f"{where}: 'score' {score!r} is out of range [0, 1]")
    response = outcome.get("response")
    if response is not None and not isinstance(response, str):
        raise OutcomeDataError(
            f"{where}: 'response' must be a string, got {type(response).__name__}"
        )
    input_tokens = _optional_number(outcome, "input_tokens", where, integer=True)
    output_tokens = _optional_number(outcome, "output_tokens", where, integer=True)
    return ModelOutcome(
        score=float(score),
        response=response,
        input_tokens=int(input_tokens) if input_tokens is not None else None,
        output_tokens=int(output_tokens) if output_tokens is not None else None,
        cost_usd=_optional_number(outcome, "cost_usd", where),
        latency_ms=_optional_number(outcome, "latency_ms", where),
    )


def parse_outcome_line(text: str, where: str, line_number: int = 0) -> OutcomeRow:
    """Parse one JSONL record; ``where`` (e.g. ``"data.jsonl:12"``) prefixes error messages."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OutcomeDataError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise OutcomeDataError(f"{where}: expected a JSON object, got {type(record).__name__}")
    for key in ("id", "prompt", "outcomes"):
        if key not in record:
            raise OutcomeDataError(f"{where}: missing field '{key}'")
    row_id = record["id"]
    if not isinstance(row_id, str | int) or isinstance(row_id, bool) or str(row_id) == "":
        raise OutcomeDataError(f"{where}: 'id' must be a non-empty string or integer")
    prompt = record["prompt"]
    if not isinstance(prompt, str):
        raise OutcomeDataError(f"{where}: 'prompt' must be a string, got {type(prompt).__name__}")
    category = record.get("category")
    if category is not None and not isinstance(category, str):
        raise OutcomeDataError(f"{where}: 'category' must be a string")
    raw_outcomes = record["outcomes"]
    if not isinstance(raw_outcomes, dict) or not raw_outcomes:
        raise OutcomeDataError(
            f"{where}: 'outcomes' must be a non-empty object of model -> outcome"
        )
    outcomes = {
        str(model): _parse_outcome(str(model), outcome, where)
        for model, outcome in raw_outcomes.items()
    }
    return OutcomeRow(
        id=str(row_id),
        prompt=prompt,
        outcomes=outcomes,
        category=category,
        line_number=line_number,
    )


def iter_outcomes(path: str | Path) -> Iterator[OutcomeRow]:
    """Stream the rows of an outcome dataset, one line at a time (blank lines are skipped).

    Raises :class:`OutcomeDataError` naming ``file:line`` on the first bad record, including an
    ``id`` that already appeared earlier in the file (duplicates would leak between CV folds).
    """
    path = Path(path)
    first_line_of_id: dict[str, int] = {}
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise OutcomeDataError(f"{path}: cannot open outcome dataset ({exc.strerror})") from None
    with handle:
        for line_number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            where = f"{path}:{line_number}"
            row = parse_outcome_line(text, where, line_number)
            if row.id in first_line_of_id:
                first = first_line_of_id[row.id]
                raise OutcomeDataError(
                    f"{where}: duplicate id '{row.id}' (first seen on line {first})"
                )
            first_line_of_id[row.id] = line_number
            yield row


def load_outcomes(path: str | Path) -> list[OutcomeRow]:
    """Load a whole outcome dataset; :class:`OutcomeDataError` if it is malformed or empty."""
    rows = list(iter_outcomes(path))
    if not rows:
        raise OutcomeDataError(f"{path}: outcome dataset has no rows")
    return rows


def list_models(rows: Iterable[OutcomeRow]) -> dict[str, int]:
    """Every model named in the dataset with the number of rows it has an outcome for."""
    counts: dict[str, int] = {}
    for row in rows:
        for model in row.outcomes:
            counts[model] = counts.get(model, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def mean_score(rows: Sequence[OutcomeRow], model: str) -> float:
    """Mean score of ``model`` over the rows that have an outcome for it (nan if none)."""
    scores = [row.outcomes[model].score for row in rows if model in row.outcomes]
    return sum(scores) / len(scores) if scores else float("nan")


def _mean_cost(rows: Sequence[OutcomeRow], model: str) -> float | None:
    costs = [row.outcomes[model].cost_usd for row in rows if model in row.outcomes]
    if not costs or any(cost is None for cost in costs):
        return None
    return sum(cost for cost in costs if cost is not None) / len(costs)


def pick_weak_strong(
    rows: Sequence[OutcomeRow],
    weak: str | None = None,
    strong: str | None = None,
    *,
    source: str | Path | None = None,
) -> tuple[str, str]:
    """Choose the (weak, strong) model pair, validating any names given (errors start with ``source:``).

    Without names: if every outcome of the candidate models has ``cost_usd``, the cheapest model is
    weak and the most expensive strong (cost is what routing saves); otherwise the lowest and
    highest mean score. Only models present in every row are candidates, so that routing between
    them is defined for all prompts.
    """
    where = f"{source}: " if source is not None else ""
    counts = list_models(rows)
    n_rows = len(rows)
    for name, role in ((weak, "weak"), (strong, "strong")):
        if name is not None and name not in counts:
            known = ", ".join(counts) or "none"
            raise OutcomeDataError(f"{where}{role} model '{name}' is not in the dataset (models: {known})")
    if weak is not None and strong is not None:
        if weak == strong:
            raise OutcomeDataError(f"{where}weak and strong model are the same ('{weak}')")
        return weak, strong
    candidates = [model for model, count in counts.items() if count == n_rows]
    if len(candidates) < 2:
        raise OutcomeDataError(
            f"{where}need two models with an outcome on every row to pick weak/strong; "
            f"found {len(candidates)} (pass the names explicitly)"
        )
    costs = {model: _mean_cost(rows, model) for model in candidates}
    if all(cost is not None for cost in costs.values()):
        ordered = sorted(candidates, key=lambda model: (costs[model] or 0.0, model))
    else:
        ordered = sorted(candidates, key=lambda model: (mean_score(rows, model), model))
    chosen_weak = weak if weak is not None else next(m for m in ordered if m != strong)
    chosen_strong = (
        strong if strong is not None else next(m for m in reversed(ordered) if m != chosen_weak)
    )
    return chosen_weak, chosen_strong


def rows_with_models(
    rows: Iterable[OutcomeRow],
    *models: str,
    minimum: int = 0,
    purpose: str = "this",
    source: str | Path | None = None,
) -> list[OutcomeRow]:
    """The rows that have an outcome for every one of ``models``; fewer than ``minimum`` of them
    raises OutcomeDataError (``SOURCE: N row(s) have outcomes for both …; PURPOSE needs at least M``)."""
    usable = [row for row in rows if all(model in row.outcomes for model in models)]
    if len(usable) < minimum:
        where = f"{source}: " if source is not None else ""
        names = " and ".join(f"'{model}'" for model in models)
        raise OutcomeDataError(
            f"{where}{len(usable)} row(s) have outcomes for {'both ' if len(models) == 2 else ''}{names}; "
            f"{purpose} needs at least {minimum}"
        )
    return usable


def paired_scores(
    rows: Sequence[OutcomeRow], weak: str, strong: str
) -> tuple[list[float], list[float]]:
    """(weak scores, strong scores) in row order; raises if a row lacks either model."""
    weak_scores: list[float] = []
    strong_scores: list[float] = []
    for row in rows:
        for model in (weak, strong):
            if model not in row.outcomes:
                raise OutcomeDataError(
                    f"line {row.line_number}: row '{row.id}' has no outcome for model '{model}'"
                )
        weak_scores.append(row.outcomes[weak].score)
        strong_scores.append(row.outcomes[strong].score)
    return weak_scores, strong_scores
