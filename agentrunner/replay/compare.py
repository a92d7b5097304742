"""``compare``: replay the selected history through each configuration and tabulate the result.

One row per configuration (and one for the baseline, what the ledger recorded):

- ``calls``/``by_tier`` — replayed calls and how many each tier answered; ``errors`` — calls the
  configuration could not answer (they score 0);
- ``cost_usd`` — what the configuration's answers cost (a cached answer counts at the cost its row
  records: this is the configuration's cost, not this run's spend, which is ``paid_usd``);
  ``unpriced`` calls are counted apart and add nothing;
- ``cost_vs_baseline_pct`` — ``(cost − baseline cost) / baseline cost × 100``;
- ``quality`` — mean score against the baseline answers (the baseline scores 1 by definition);
- ``at_floor`` — share of calls whose score is ≥ the quality floor;
- ``done_per_usd`` — done items per dollar. Done items are the distinct ``task_id`` of the replayed
  calls whose item is ``done`` in state.db; for a configuration, an item counts only if every one of
  its replayed calls reached the floor (it would have done the same work). When the selected calls
  carry no task ids (or there is no state.db), calls stand in for items: calls at the floor per
  dollar (``done_unit`` says which);
- ``p50_latency_ms`` — median latency of the answers (a cached answer's recorded latency).

Everything streams: per call only its latency (8 bytes) and per item one flag are kept, the HTML
view keeps at most :data:`HTML_MAX_CALLS` calls, and ``--outcomes-out`` is written line by line.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import statistics
from array import array
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import AtomicFile
from ..errors import BudgetExhausted, UsageError
from ..ledger import Ledger
from .engine import Candidate, ReplayEngine, ReplayResult, answer_text, prompt_text, request_from_row
from .parallel import replay_in_order
from .sampling import StratifiedScores, check_every
from .select import Selection, count_selected, iter_selected, stratum_columns, stratum_of, stratum_sizes

HTML_MAX_CALLS = 500
BASELINE_NAME = "baseline (ledger)"


@dataclass
class ConfigTotals:
    """Running totals of one configuration (or the baseline) over the replayed calls."""

    name: str
    calls: int = 0
    errors: int = 0
    cached: int = 0
    by_tier: Counter[str] = field(default_factory=Counter)
    cost_usd: float = 0.0
    paid_usd: float = 0.0
    unpriced: int = 0
    quality_sum: float = 0.0
    at_floor: int = 0
    latencies: array[float] = field(default_factory=lambda: array("d"))
    items_ok: dict[str, bool] = field(default_factory=dict)

    def add(
        self,
        *,
        tier: str | None,
        cost_usd: float | None,
        latency_ms: float | None,
        score: float,
        floor: float,
        task_id: str | None,
        error: bool = False,
        cached: bool = False,
        paid_usd: float = 0.0,
    ) -> None:
        self.calls += 1
        self.errors += int(error)
        self.cached += int(cached)
        self.paid_usd += paid_usd
        self.by_tier[tier or "-"] += 0 if error else 1
        if not error:
            if cost_usd is None:
                self.unpriced += 1
            else:
                self.cost_usd += cost_usd
        if latency_ms is not None:
            self.latencies.append(latency_ms)
        self.quality_sum += score
        passed = score >= floor - 1e-12
        self.at_floor += int(passed)
        if task_id:
            self.items_ok[task_id] = self.items_ok.get(task_id, True) and passed

    def row(self, *, baseline_cost: float, done_items: set[str] | None, floor: float) -> dict[str, Any]:
        if done_items is not None:
            done = sum(1 for item, ok in self.items_ok.items() if ok and item in done_items)
            unit = "items"
        else:
            done, unit = self.at_floor, "calls"
        vs = (self.cost_usd - baseline_cost) / baseline_cost * 100 if baseline_cost > 0 else None
        return {
            "config": self.name,
            "calls": self.calls,
            "by_tier": dict(sorted((t, n) for t, n in self.by_tier.items() if n)),
            "errors": self.errors,
            "cached": self.cached,
            "cost_usd": round(self.cost_usd, 8),
            "unpriced": self.unpriced,
            "paid_usd": round(self.paid_usd, 8),
            "cost_vs_baseline_pct": None if vs is None else round(vs, 2),
            "quality": round(self.quality_sum / self.calls, 4) if self.calls else None,
            "at_floor": round(self.at_floor / self.calls, 4) if self.calls else None,
            "floor": floor,
            "done": done,
            "done_unit": unit,
            "done_per_usd": round(done / self.cost_usd, 4) if self.cost_usd > 0 else None,
            "p50_latency_ms": round(statistics.median(self.latencies), 1) if self.latencies else None,
        }


def done_items(state_path: Path | None, task_ids: Iterable[str]) -> set[str] | None:
    """The given items that are ``done`` in state.db; None when there are no items to count."""
    ids = sorted(set(task_ids))
    if not ids or state_path is None or not state_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{state_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    done: set[str] = set()
    try:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = conn.execute(f"SELECT id FROM items WHERE status = 'done' AND id IN ({marks})", chunk)
            done.update(row[0] for row in rows)
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return done


@dataclass
class CallDetail:
    """One call in the HTML view: the original answer and each configuration's, with scores."""

    call_id: str
    prompt: str
    original: str
    original_tier: str | None
    answers: list[ReplayResult]


@dataclass
class CompareReport:
    rows: list[dict[str, Any]]
    selection: str
    floor: float
    details: list[CallDetail] = field(default_factory=list)
    details_truncated: bool = False
    cache_hits: int = 0
    cache_misses: int = 0
    mode: str = "ledger"
    notes: list[str] = field(default_factory=list)
    intervals: dict[str, dict[str, Any]] = field(default_factory=dict)  # --sample: per configuration
    stopped_after: int | None = None  # --stop-when-decided stopped after this many calls
    sampled: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "cost_unit": "usd",
            "selection": self.selection,
            "floor": self.floor,
            "cache": {"hits": self.cache_hits, "misses": self.cache_misses},
            "rows": self.rows,
            "notes": self.notes,
            **({"sampling": {"sample": self.sampled, "stopped_after": self.stopped_after,
                             "intervals": self.intervals}} if self.sampled is not None else {}),
        }


class OutcomeWriter:
    """Streams the outcome dataset (the format of tests/fixtures/routing/README.md, docs/routing.md), atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = AtomicFile(path)
        self.handle = self.file.handle
        self.rows = 0

    def write(self, original: dict[str, Any], prompt: str, results: list[ReplayResult]) -> None:
        outcomes: dict[str, dict[str, Any]] = {}
        base_model = original.get("model") or original.get("tier") or "baseline"
        outcomes[base_model] = _outcome(
            1.0, answer_text(original), original.get("input_tokens"), original.get("output_tokens"),
            original.get("cost_usd"), original.get("latency_ms"),
        )
        for result in results:
            if result.error or result.model is None:
                continue
            key = result.model
            if key in outcomes and outcomes[key]["response"] != result.text:
                key = f"{result.model}@{result.config_name}"  # same model, different answer (e.g. max_tokens)
            if key in outcomes:
                continue
            outcomes[key] = _outcome(
                result.score, result.text, result.input_tokens, result.output_tokens, result.cost_usd, result.latency_ms
            )
        record: dict[str, Any] = {"id": original["id"], "prompt": prompt, "outcomes": outcomes}
        if original.get("task_type"):
            record["category"] = original["task_type"]
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.rows += 1

    def close(self, ok: bool = True) -> None:
        if ok:
            self.file.commit()
        else:
            self.file.abort()


def _outcome(
    score: float, response: str, input_tokens: Any, output_tokens: Any, cost_usd: Any, latency_ms: Any
) -> dict[str, Any]:
    outcome: dict[str, Any] = {"score": round(min(max(score, 0.0), 1.0), 6), "response": response}
    for key, value in (
        ("input_tokens", input_tokens),
        ("output_tokens", output_tokens),
        ("cost_usd", cost_usd),
        ("latency_ms", None if latency_ms is None else round(float(latency_ms), 1)),
    ):
        if value is not None:
            outcome[key] = value
    return outcome


def compare_ledger(
    engine: ReplayEngine,
    selection: Selection,
    *,
    floor: float = 0.95,
    outcomes_out: Path | None = None,
    keep_details: bool = False,
    state_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
    stop_when_decided: bool = False,
) -> CompareReport:
    """Replay the selected calls through every candidate of ``engine`` and total them up."""
    if not 0.0 <= floor <= 1.0:
        raise UsageError(f"--quality-floor must be between 0 and 1, got {floor}")
    baseline = ConfigTotals(BASELINE_NAME)
    totals = {c.name: ConfigTotals(c.name) for c in engine.candidates}
    details: list[CallDetail] = []
    truncated = False
    writer = OutcomeWriter(outcomes_out) if outcomes_out else None
    if stop_when_decided and selection.sample is None:
        raise UsageError("--stop-when-decided needs --sample N (the most calls to replay)")
    stats: StratifiedScores | None = None
    columns = stratum_columns(engine.ledger)
    if selection.sample is not None:
        stats = StratifiedScores(stratum_sizes(engine.ledger, selection), seed=selection.seed)
    stopped_after: int | None = None
    ok = False
    replayed = _stopped_by_budget(
        replay_in_order(engine, _replayable(iter_selected(engine.ledger, selection))), engine
    )
    try:
        for number, (original, results) in enumerate(replayed, start=1):
            task_id = original.get("task_id")
            baseline.add(
                tier=original.get("tier"),
                cost_usd=original.get("cost_usd"),
                latency_ms=original.get("latency_ms"),
                score=1.0,
                floor=floor,
                task_id=task_id,
            )
            for result in results:
                totals[result.config_name].add(
                    tier=result.tier,
                    cost_usd=result.cost_usd,
                    latency_ms=result.latency_ms,
                    score=result.score,
                    floor=floor,
                    task_id=task_id,
                    error=result.error is not None,
                    cached=result.cached,
                    paid_usd=result.paid_usd,
                )
            if writer is not None or keep_details:
                prompt = prompt_text(request_from_row(original))
                if writer is not None:
                    writer.write(original, prompt, results)
                if keep_details:
                    if len(details) < HTML_MAX_CALLS:
                        details.append(
                            CallDetail(original["id"], prompt, answer_text(original), original.get("tier"), results)
                        )
                    else:
                        truncated = True
            if progress is not None:
                progress(number)
            if stats is not None:
                stratum = stratum_of(original, columns)
                for result in results:
                    stats.add(result.config_name, stratum, result.score)
                if (
                    stop_when_decided
                    and number % check_every(selection.sample or 0) == 0
                    and stats.decided(floor)
                ):
                    stopped_after = number
                    break
        ok = True
    finally:
        replayed.close()  # stopped early: calls not yet started are cancelled
        engine.flush_scores()
        if writer is not None:
            writer.close(ok)
    if baseline.calls == 0:
        raise UsageError(f"no replayable calls match ({selection.describe()}); see `agentrunner ledger list`")
    items = done_items(state_path, baseline.items_ok)
    baseline_cost = baseline.cost_usd
    rows = [baseline.row(baseline_cost=baseline_cost, done_items=items, floor=floor)]
    rows += [totals[c.name].row(baseline_cost=baseline_cost, done_items=items, floor=floor) for c in engine.candidates]
    notes = []
    if stopped_after is not None:
        beyond = engine.paid_usd - sum(totals[c.name].paid_usd for c in engine.candidates)
        notes.append(
            f"calls already in flight when sampling stopped were answered and recorded (paid ${beyond:.6f}) but are "
            "not in the table: a later replay finds them in the cache"
        )
    if baseline.unpriced:
        notes.append(f"{baseline.unpriced} baseline call(s) are unpriced: their cost is not in the baseline total")
    intervals = {} if stats is None else {n: i.as_dict() for n, i in stats.intervals(floor).items()}
    return CompareReport(
        intervals=intervals,
        stopped_after=stopped_after,
        sampled=selection.sample,
        rows=rows,
        selection=selection.describe(),
        floor=floor,
        details=details,
        details_truncated=truncated,
        cache_hits=engine.cache.hits,
        cache_misses=engine.cache.misses,
        notes=notes,
    )


def _stopped_by_budget(
    replayed: Generator[tuple[dict[str, Any], list[ReplayResult]]], engine: ReplayEngine
) -> Generator[tuple[dict[str, Any], list[ReplayResult]]]:
    """Say where a budget stopped the replay, and how to go on."""
    done = 0
    try:
        for pair in replayed:
            yield pair
            done += 1
    except GeneratorExit:
        replayed.close()
        raise
    except BudgetExhausted as exc:
        raise BudgetExhausted(
            f"{exc} — replay run {engine.run_id} stopped after {done} call(s), paid ${engine.paid_usd:.6f}; "
            "the same command with a larger --max-cost continues it"
        ) from None


def _replayable(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Skip rows whose request cannot be rebuilt (logged by count, not fatal)."""
    for row in rows:
        try:
            request_from_row(row)
        except UsageError:
            continue
        yield row


def count_for_progress(ledger: Ledger, selection: Selection) -> int:
    return count_selected(ledger, selection)


# -- output -----------------------------------------------------------------------------------

TABLE_COLUMNS = ("config", "calls", "by tier", "cost $", "vs baseline", "quality", "≥ floor", "done/$", "p50 ms")


def format_cost(value: float | None, unit: str = "usd") -> str:
    if value is None:
        return "-"
    if unit != "usd":
        return f"{value:.3f}"
    return f"{value:.6f}" if value < 1 else f"{value:.2f}"


def table_cells(row: dict[str, Any], cost_unit: str = "usd") -> list[str]:
    vs = row["cost_vs_baseline_pct"]
    by_tier = " ".join(f"{tier} {count}" for tier, count in row["by_tier"].items())
    if row.get("errors"):
        by_tier += f" (failed {row['errors']})"
    cost = format_cost(row["cost_usd"], cost_unit)
    if row.get("unpriced"):
        cost += f" (+{row['unpriced']} unpriced)"
    return [
        row["config"],
        str(row["calls"]),
        by_tier or "-",
        cost,
        "-" if vs is None else f"{vs:+.1f}%",
        "-" if row["quality"] is None else f"{row['quality']:.3f}",
        "-" if row["at_floor"] is None else f"{row['at_floor'] * 100:.1f}%",
        "-" if row["done_per_usd"] is None else f"{row['done_per_usd']:.4g} {row['done_unit']}",
        "-" if row["p50_latency_ms"] is None else f"{row['p50_latency_ms']:.0f}",
    ]


def to_csv(report: CompareReport) -> str:
    buffer = io.StringIO()
    fields = [
        "config", "calls", "by_tier", "errors", "cached", "cost_usd", "unpriced", "paid_usd",
        "cost_vs_baseline_pct", "quality", "at_floor", "floor", "done", "done_unit", "done_per_usd",
        "p50_latency_ms",
    ]
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({**row, "by_tier": json.dumps(row["by_tier"])})
    return buffer.getvalue()


def candidates_from_paths(paths: list[Path]) -> list[Candidate]:
    """Load each configuration; two files with the same stem are told apart by their parent."""
    stems = Counter(path.stem for path in paths)
    return [
        Candidate.load(path, name=path.stem if stems[path.stem] == 1 else f"{path.parent.name}/{path.stem}")
        for path in paths
    ]
