"""Which ledger calls a replay uses: filters, sampling, and a streaming iterator over them.

Only originals can be replayed: ``status = 'ok'``, ``replayable`` (importers mark requests they could
not rebuild), ``replay_of IS NULL`` (not a replay or a judge call itself) and a stored request.

Rows are read in keyset-paginated batches ordered by ``(ts_start, id)``: memory stays flat however
many calls match, and the replay may write new rows into the same ledger while it iterates (new rows
are replays, which the filter excludes, and each batch is a fresh query).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError
from ..ledger import Ledger
from ..timerange import TimeRange

# ``+replay_of``: the unary plus keeps SQLite from using idx_calls_replay for "IS NULL", which
# matches nearly every row and would make each page a full scan plus sort.
BASE_WHERE = (
    "status = 'ok' AND +replay_of IS NULL AND coalesce(replayable, 1) = 1 AND request_json IS NOT NULL"
)

@dataclass
class Selection:
    """Filters over the ledger's original calls (all optional; combined with AND)."""

    since: str | None = None  # --since/--until text (agentrunner.timerange's grammar)
    until: str | None = None
    run: str | None = None
    task: str | None = None
    step_kind: list[str] = field(default_factory=list)
    source: str | None = None
    limit: int | None = None
    sample: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("limit", "sample"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise UsageError(f"--{name} must be a positive number, got {value}")
        TimeRange.parse(self.since, self.until)  # bad text fails here, before any work

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = [BASE_WHERE], []
        time_clauses, time_params = TimeRange.parse(self.since, self.until).where("ts_start")
        clauses += time_clauses
        params += time_params
        if self.run:
            clauses.append("run_id = ?")
            params.append(self.run)
        if self.task:
            clauses.append("task_id = ?")
            params.append(self.task)
        if self.step_kind:
            clauses.append(f"step_kind IN ({', '.join('?' for _ in self.step_kind)})")
            params.extend(self.step_kind)
        if self.source:
            # A trailing '*' selects every source with that prefix (e.g. import:*).
            if self.source.endswith("*"):
                clauses.append("source LIKE ?")
                params.append(self.source[:-1] + "%")
            else:
                clauses.append("source = ?")
                params.append(self.source)
        return " AND ".join(clauses), params

    def describe(self) -> str:
        parts = [
            f"--{name.replace('_', '-')} {value if not isinstance(value, list) else ','.join(value)}"
            for name, value in (
                ("since", self.since),
                ("until", self.until),
                ("run", self.run),
                ("task", self.task),
                ("step_kind", self.step_kind),
                ("source", self.source),
                ("limit", self.limit),
                ("sample", self.sample),
            )
            if value
        ]
        if self.sample:
            parts.append(f"--seed {self.seed}")
        return " ".join(parts) or "all replayable calls"


def count_selected(ledger: Ledger, selection: Selection) -> int:
    where, params = selection.where()
    total = ledger.count_calls(where, params)
    for cap in (selection.limit, selection.sample):
        if cap is not None:
            total = min(total, cap)
    return total


def iter_selected(ledger: Ledger, selection: Selection, *, batch: int = 500) -> Iterator[dict[str, Any]]:
    """The selected original calls, oldest first, streamed in batches.

    ``--sample N --seed S`` draws N calls uniformly (reservoir sampling over their ids only, so
    memory is O(N)); the same seed gives the same sample. ``--limit`` caps the count afterwards
    (the oldest ``limit`` of the selection, or of the sample).
    """
    where, params = selection.where()
    if selection.sample is not None:
        yield from _iter_sample(ledger, where, params, selection, batch)
        return
    remaining = selection.limit
    last: tuple[str, str] | None = None
    while remaining is None or remaining > 0:
        size = batch if remaining is None else min(batch, remaining)
        page_where, page_params = where, list(params)
        if last is not None:
            # Written so that SQLite range-scans idx_calls_ts from the last timestamp (an OR over
            # both columns made it scan the whole table for every page).
            page_where += " AND ts_start >= ? AND (ts_start > ? OR id > ?)"
            page_params += [last[0], last[0], last[1]]
        rows = list(
            ledger.db["calls"].rows_where(page_where, page_params, order_by="ts_start, id", limit=size)
        )
        if not rows:
            return
        yield from rows
        last = (rows[-1]["ts_start"], rows[-1]["id"])
        if remaining is not None:
            remaining -= len(rows)
        if len(rows) < size:
            return


def _iter_sample(
    ledger: Ledger, where: str, params: list[Any], selection: Selection, batch: int
) -> Iterator[dict[str, Any]]:
    assert selection.sample is not None
    rng = random.Random(selection.seed)
    reservoir: list[tuple[str, str]] = []
    cursor = ledger.db.execute(f"SELECT ts_start, id FROM calls WHERE {where} ORDER BY ts_start, id", params)
    for seen, (ts_start, call_id) in enumerate(cursor):
        if seen < selection.sample:
            reservoir.append((ts_start, call_id))
        else:
            slot = rng.randint(0, seen)
            if slot < selection.sample:
                reservoir[slot] = (ts_start, call_id)
    reservoir.sort()
    if selection.limit is not None:
        reservoir = reservoir[: selection.limit]
    for start in range(0, len(reservoir), batch):
        ids = [call_id for _, call_id in reservoir[start : start + batch]]
        marks = ", ".join("?" for _ in ids)
        yield from ledger.db["calls"].rows_where(f"id IN ({marks})", ids, order_by="ts_start, id")
