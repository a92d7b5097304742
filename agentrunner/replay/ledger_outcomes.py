"""Outcome data from the ledger, without replaying anything (``router train --from-ledger``).

``compare`` replays ledger calls through candidate configurations and scores every answer against the
original one in the ``scores`` table (``call_id`` = the answer's call, ``baseline_call_id`` = the
original). :func:`export_ledger_outcomes` turns those stored scores into an outcome dataset (the
format in docs/routing.md) with compare's own :class:`~agentrunner.replay.compare.OutcomeWriter`, so
the file is exactly what ``compare --outcomes-out`` writes, but no model is called. The original
call's model scores 1 (it is the reference), every scored answer its stored score.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..ledger import Ledger
from ..timerange import TimeRange
from .compare import OutcomeWriter
from .engine import ReplayResult, answer_text, prompt_text, request_from_row

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


def export_ledger_outcomes(
    ledger: Ledger, out_path: Path, *, since: str | None = None, until: str | None = None
) -> LedgerExport:
    """Write the outcome dataset of every original call that has scored replay answers.

    ``since``/``until`` (``30d``, ``2026-11-01``, …: :mod:`agentrunner.timerange`) keep originals
    started in that range. The file is written
    atomically (a partial file until the last row).
    """
    clauses, params = TimeRange.parse(since, until).where("base.ts_start")
    where = " AND ".join([_ORIGINALS_WHERE, *clauses])
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


__all__ = ["LedgerExport", "export_ledger_outcomes"]
