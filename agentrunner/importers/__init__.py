"""Importers of other tools' history into the ledger: Claude Code, Codex CLI, Gemini CLI, llm.

Each importer reads its tool's files as a stream and yields one :class:`FoundCall` per model call.
:func:`run_import` filters them (``--since``), drops calls the ledger already has (``source`` =
``import:<tool>``, ``source_id`` = the tool's own stable key, UNIQUE in the ledger), writes the rest
in batches with :meth:`Ledger.insert_calls` and returns an :class:`ImportSummary`. Re-importing the
same files adds nothing; ``dry_run`` writes nothing at all (the ledger is opened read-only).
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import LedgerError, UsageError
from ..ledger import Ledger
from ._common import (
    DEFAULT_MAX_REQUEST_CHARS,
    FoundCall,
    ImportContext,
    Importer,
    ImportOptions,
    ImportStats,
    check_explicit_paths,
    iso_z,
)

BATCH_SIZE = 500


@dataclass
class ModelCostDifference:
    """Our price against the tool's own recorded cost, for calls where the tool recorded one."""

    model: str
    calls: int = 0
    our_cost_usd: float = 0.0
    tool_cost_usd: float = 0.0

    @property
    def difference_usd(self) -> float:
        return self.our_cost_usd - self.tool_cost_usd


@dataclass
class ImportSummary:
    """What one import read and wrote (or, with ``dry_run``, would write)."""

    tool: str
    source: str
    dry_run: bool
    paths: list[str]
    files_read: int = 0
    unreadable_files: list[str] = field(default_factory=list)
    calls_found: int = 0  # distinct calls in the files (after --since): rows_added + already_in_ledger
    rows_added: int = 0  # dry run: rows that would be added
    already_in_ledger: int = 0
    in_source_duplicates: int = 0  # repeated copies of one call inside the tool's files
    malformed_lines: int = 0
    malformed_examples: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> lines/calls not imported
    unpriced_calls: int = 0
    unpriced_models: dict[str, int] = field(default_factory=dict)
    replayable_rows: int = 0
    first_ts: str | None = None  # date range of the added rows
    last_ts: str | None = None
    cost_usd: float = 0.0  # our price of the added rows (priced ones)
    source_cost_usd: float | None = None  # the tool's own recorded cost of the added rows, if any
    source_cost_calls: int = 0  # how many added rows carry the tool's own cost
    by_model: dict[str, dict[str, float]] = field(default_factory=dict)
    cost_differences: list[ModelCostDifference] = field(default_factory=list)

    @property
    def duplicates_skipped(self) -> int:
        return self.already_in_ledger + self.in_source_duplicates

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["duplicates_skipped"] = self.duplicates_skipped
        data["cost_usd"] = round(self.cost_usd, 6)
        data["by_model"] = {
            model: {"calls": int(values["calls"]), "cost_usd": round(values["cost_usd"], 6)}
            for model, values in self.by_model.items()
        }
        if self.source_cost_usd is not None:
            data["source_cost_usd"] = round(self.source_cost_usd, 6)
        data["cost_differences"] = [
            {
                "model": d.model,
                "calls": d.calls,
                "our_cost_usd": round(d.our_cost_usd, 6),
                "tool_cost_usd": round(d.tool_cost_usd, 6),
                "difference_usd": round(d.difference_usd, 6),
            }
            for d in self.cost_differences
        ]
        return data


def _registry() -> dict[str, Importer]:
    from . import claude_code, codex, gemini, llm_logs

    return {imp.name: imp for imp in (claude_code.IMPORTER, codex.IMPORTER, gemini.IMPORTER, llm_logs.IMPORTER)}


IMPORTERS: dict[str, Importer] = _registry()


def get_importer(name: str) -> Importer:
    try:
        return IMPORTERS[name]
    except KeyError:
        raise UsageError(f"unknown importer {name!r}; known: {', '.join(IMPORTERS)}") from None


def resolve_files(importer: Importer, paths: Iterable[Path | str] = ()) -> tuple[list[Path], list[str]]:
    """The files to read and the roots they came from. Explicit paths must exist (one-line error
    otherwise); without paths the tool's default locations are used, and finding none there is a
    one-line error naming where we looked."""
    explicit = [Path(p) for p in paths]
    if explicit:
        roots = check_explicit_paths(explicit)
    else:
        candidates = importer.default_paths()
        roots = [p for p in candidates if p.exists()]
        if not roots:
            looked = ", ".join(str(p) for p in candidates) or "(nowhere)"
            raise UsageError(f"no {importer.title} found (looked in {looked}); pass a PATH")
    files = importer.discover(roots)
    if explicit and not files:
        raise UsageError(f"no {importer.title} found in {', '.join(str(r) for r in roots)}")
    return files, [str(r) for r in roots]


def run_import(
    tool: str,
    paths: Iterable[Path | str] = (),
    *,
    config: Config | None = None,
    ledger: Ledger | None = None,
    ledger_path: Path | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    dry_run: bool = False,
    max_request_chars: int = DEFAULT_MAX_REQUEST_CHARS,
) -> ImportSummary:
    """Import one tool's history into the ledger (or, with ``dry_run``, only count what would be).

    The ledger is ``ledger`` if given, else the configuration's (``ledger_path`` overrides). A dry
    run opens it read-only and never creates it.
    """
    importer = get_importer(tool)
    files, roots = resolve_files(importer, paths)
    options = ImportOptions(
        since=since,
        until=until,
        dry_run=dry_run,
        max_request_chars=max_request_chars,
        user=(config.ledger.user if config else None) or None,
        team=(config.ledger.team if config else None) or None,
        project=(config.ledger.project if config else None) or None,
    )
    stats = ImportStats()
    context = ImportContext(options=options, stats=stats)
    summary = ImportSummary(tool=tool, source=importer.source, dry_run=dry_run, paths=roots)
    target_path = ledger_path or (ledger.path if ledger else (config.ledger_path if config else None))
    if dry_run:
        sink: _Sink = _DryRunSink(importer.source, target_path)
    else:
        if ledger is None:
            if config is None and ledger_path is None:
                raise UsageError("run_import needs a config, a ledger or a ledger_path")
            ledger = Ledger(ledger_path) if ledger_path else Ledger.for_config(config)
        sink = _LedgerSink(importer.source, ledger)
    # Unknown models are listed in the summary; a log warning per model would only repeat it.
    pricing_log = logging.getLogger("agentrunner.pricing")
    level = pricing_log.level
    pricing_log.setLevel(logging.ERROR)
    try:
        _consume(importer.read(files, context), sink, summary, options)
    finally:
        pricing_log.setLevel(level)
        sink.close()
    summary.files_read = stats.files_read
    summary.unreadable_files = stats.unreadable_files
    summary.malformed_lines = stats.malformed_lines
    summary.malformed_examples = stats.malformed_examples
    summary.in_source_duplicates += stats.in_source_duplicates
    summary.skipped = dict(sorted({**stats.skipped, **summary.skipped}.items()))
    return summary


# -- writing -------------------------------------------------------------------------------------


class _Sink:
    def existing(self, keys: list[str]) -> set[str]:
        raise NotImplementedError

    def write(self, calls: list[FoundCall]) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _existing_keys(conn: sqlite3.Connection, source: str, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), BATCH_SIZE):
        chunk = keys[start : start + BATCH_SIZE]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT source_id FROM calls WHERE source = ? AND source_id IN ({marks})", [source, *chunk]
        ).fetchall()
        found.update(row[0] for row in rows)
    return found


class _LedgerSink(_Sink):
    def __init__(self, source: str, ledger: Ledger) -> None:
        self.source = source
        self.ledger = ledger

    def existing(self, keys: list[str]) -> set[str]:
        try:
            return _existing_keys(self.ledger.db.conn, self.source, keys)
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.ledger.path}: {exc}") from None

    def write(self, calls: list[FoundCall]) -> int:
        return self.ledger.insert_calls([call.record for call in calls], batch=BATCH_SIZE)


class _DryRunSink(_Sink):
    """Reads the ledger read-only (if it exists) and remembers what this run 'wrote' in a private
    temporary SQLite database, so memory stays flat however many calls are seen."""

    def __init__(self, source: str, ledger_path: Path | None) -> None:
        self.source = source
        self.ledger: sqlite3.Connection | None = None
        if ledger_path is not None and ledger_path.exists():
            try:
                self.ledger = sqlite3.connect(ledger_path.resolve().as_uri() + "?mode=ro", uri=True)
                self.ledger.execute("SELECT source, source_id FROM calls LIMIT 1").fetchall()
            except sqlite3.Error as exc:
                raise LedgerError(f"{ledger_path}: cannot read the ledger: {exc}") from None
        self.seen = sqlite3.connect("")  # "" = a private temporary database that spills to disk
        self.seen.execute("CREATE TABLE calls (source TEXT, source_id TEXT PRIMARY KEY)")

    def existing(self, keys: list[str]) -> set[str]:
        found = _existing_keys(self.seen, self.source, keys)
        if self.ledger is not None:
            found |= _existing_keys(self.ledger, self.source, keys)
        return found

    def write(self, calls: list[FoundCall]) -> int:
        self.seen.executemany(
            "INSERT OR IGNORE INTO calls VALUES (?, ?)", [(self.source, c.record.source_id) for c in calls]
        )
        return len(calls)

    def close(self) -> None:
        self.seen.close()
        if self.ledger is not None:
            self.ledger.close()


def _consume(calls: Iterator[FoundCall], sink: _Sink, summary: ImportSummary, options: ImportOptions) -> None:
    batch: dict[str, FoundCall] = {}
    differences: dict[str, ModelCostDifference] = {}
    unpriced: Counter[str] = Counter()
    skipped_since = skipped_until = 0

    def flush() -> None:
        if not batch:
            return
        present = sink.existing(list(batch))
        new = [call for key, call in batch.items() if key not in present]
        for call in new:
            call.price()  # only calls the ledger does not have yet are priced
        summary.already_in_ledger += len(batch) - len(new)
        added = sink.write(new) if new else 0
        summary.rows_added += added
        # Concurrent importers could make `added` smaller than `new`; the numbers below describe
        # the rows this run found new, which is what it wrote in every other case.
        for call in new:
            _account(call, summary, differences, unpriced)
        batch.clear()

    for call in calls:
        if options.since is not None and call.when < options.since:
            skipped_since += 1
            continue
        if options.until is not None and call.when >= options.until:
            skipped_until += 1
            continue
        key = call.record.source_id
        if key is None:  # every importer sets one; a None would defeat dedup
            raise AssertionError("imported call without source_id")
        if key in batch:
            summary.in_source_duplicates += 1
            continue
        summary.calls_found += 1
        batch[key] = call
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()
    if skipped_since:
        summary.skipped["before --since"] = skipped_since
    if skipped_until:
        summary.skipped["from --until on"] = skipped_until
    summary.unpriced_calls = sum(unpriced.values())
    summary.unpriced_models = dict(unpriced.most_common())
    summary.cost_differences = sorted(differences.values(), key=lambda d: -abs(d.difference_usd))
    summary.by_model = dict(sorted(summary.by_model.items(), key=lambda item: -item[1]["cost_usd"]))


def _account(
    call: FoundCall,
    summary: ImportSummary,
    differences: dict[str, ModelCostDifference],
    unpriced: Counter[str],
) -> None:
    record = call.record
    model = record.model or "?"
    stamp = iso_z(call.when)
    if summary.first_ts is None or stamp < summary.first_ts:
        summary.first_ts = stamp
    if summary.last_ts is None or stamp > summary.last_ts:
        summary.last_ts = stamp
    if record.replayable:
        summary.replayable_rows += 1
    per_model = summary.by_model.setdefault(model, {"calls": 0, "cost_usd": 0.0})
    per_model["calls"] += 1
    if record.cost_usd is None:
        unpriced[model] += 1
    else:
        summary.cost_usd += record.cost_usd
        per_model["cost_usd"] += record.cost_usd
    if record.source_cost_usd is not None:
        summary.source_cost_usd = (summary.source_cost_usd or 0.0) + record.source_cost_usd
        summary.source_cost_calls += 1
        if record.cost_usd is not None:
            difference = differences.setdefault(model, ModelCostDifference(model=model))
            difference.calls += 1
            difference.our_cost_usd += record.cost_usd
            difference.tool_cost_usd += record.source_cost_usd


__all__ = [
    "IMPORTERS",
    "ImportSummary",
    "Importer",
    "ModelCostDifference",
    "get_importer",
    "resolve_files",
    "run_import",
]
