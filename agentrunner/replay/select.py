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
    # --stop-when-decided: the sample in an interleaved order (every prefix is stratified too),
    # not oldest first
    interleave: bool = False

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

    ``--sample N --seed S`` draws N calls stratified by task type, step kind and client, uniformly
    within each (reservoir sampling over their ids only, so memory is O(N)); the same seed gives the
    same sample. ``--limit`` caps the count afterwards
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


Stratum = tuple[str, ...]


def stratum_columns(ledger: Ledger) -> tuple[str, ...]:
    """What ``--sample`` stratifies by: task type, step kind and client (the program that made the
    call, where the ledger records it; else its source: agentrunner or an importer)."""
    try:
        columns = set(ledger.db["calls"].columns_dict)
    except Exception:  # a backend without column introspection
        columns = set()
    return ("task_type", "step_kind", "client" if "client" in columns else "source")


def stratum_of(row: dict[str, Any], columns: tuple[str, ...]) -> Stratum:
    return tuple(str(row.get(column) or "") for column in columns)


def stratum_sizes(ledger: Ledger, selection: Selection) -> dict[Stratum, int]:
    """How many selected calls each stratum has (the population the sample stands for)."""
    where, params = selection.where()
    columns = stratum_columns(ledger)
    keys = ", ".join(f"coalesce({column}, '')" for column in columns)
    rows = ledger.db.execute(f"SELECT {keys}, count(*) FROM calls WHERE {where} GROUP BY {keys}", params)
    return {tuple(str(v) for v in row[:-1]): int(row[-1]) for row in rows}


def allocate(sizes: dict[Stratum, int], total: int) -> dict[Stratum, int]:
    """Proportional allocation of ``total`` draws over strata (largest remainder; deterministic)."""
    population = sum(sizes.values())
    if total >= population:
        return dict(sizes)
    shares = {key: size * total / population for key, size in sizes.items()}
    counts = {key: int(share) for key, share in shares.items()}
    left = total - sum(counts.values())
    for key in sorted(shares, key=lambda k: (-(shares[k] - counts[k]), k))[:left]:
        counts[key] += 1
    return counts


def _iter_sample(
    ledger: Ledger, where: str, params: list[Any], selection: Selection, batch: int
) -> Iterator[dict[str, Any]]:
    """A stratified sample: each stratum (:func:`stratum_columns`) gets its proportional share of
    the N draws, drawn uniformly within it (a reservoir per stratum: memory O(N))."""
    assert selection.sample is not None
    rng = random.Random(selection.seed)
    allocation = allocate(stratum_sizes(ledger, selection), selection.sample)
    columns = stratum_columns(ledger)
    keys = ", ".join(f"coalesce({column}, '')" for column in columns)
    reservoirs: dict[Stratum, list[tuple[str, str]]] = {key: [] for key in allocation}
    seen: dict[Stratum, int] = dict.fromkeys(allocation, 0)
    cursor = ledger.db.execute(
        f"SELECT ts_start, id, {keys} FROM calls WHERE {where} ORDER BY ts_start, id", params
    )
    for ts_start, call_id, *parts in cursor:
        key = tuple(str(part) for part in parts)
        want = allocation.get(key, 0)
        if not want:
            continue
        reservoir, count = reservoirs[key], seen[key]
        if count < want:
            reservoir.append((ts_start, call_id))
        else:
            slot = rng.randint(0, count)
            if slot < want:
                reservoir[slot] = (ts_start, call_id)
        seen[key] = count + 1
    if selection.interleave:
        chosen = _interleaved(reservoirs, rng)
    else:
        chosen = sorted(pair for reservoir in reservoirs.values() for pair in reservoir)
    if selection.limit is not None:
        chosen = chosen[: selection.limit]
    for start in range(0, len(chosen), batch):
        page = chosen[start : start + batch]
        ids = [call_id for _, call_id in page]
        marks = ", ".join("?" for _ in ids)
        found = {row["id"]: row for row in ledger.db["calls"].rows_where(f"id IN ({marks})", ids)}
        yield from (found[call_id] for call_id in ids if call_id in found)


def _interleaved(reservoirs: dict[Stratum, list[tuple[str, str]]], rng: random.Random) -> list[tuple[str, str]]:
    """Every stratum shuffled, then merged so that any prefix holds each stratum in proportion: the
    j-th of a stratum's n calls goes at (j + u) / n (u uniform in [0, 1), one per stratum)."""
    keyed: list[tuple[float, str, str]] = []
    for key in sorted(reservoirs):
        calls = sorted(reservoirs[key])
        rng.shuffle(calls)
        offset = rng.random()
        keyed += [((index + offset) / len(calls), ts, call_id) for index, (ts, call_id) in enumerate(calls)]
    keyed.sort()
    return [(ts, call_id) for _, ts, call_id in keyed]
