"""Which ledger calls a replay selects: every filter, sampling, limits, streaming in batches."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from agentrunner.chat import ChatRequest, Message
from agentrunner.errors import UsageError
from agentrunner.ledger import CallRecord, Ledger
from agentrunner.replay.select import Selection, count_selected, iter_selected
from agentrunner.timerange import ledger_ts, parse_moment

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def iso(when: datetime) -> str:
    return when.isoformat(timespec="microseconds").replace("+00:00", "Z")


def request_json(text: str) -> str:
    request = ChatRequest(messages=[Message(role="user", content=text)], max_tokens=8)
    return json.dumps({"model": "m", **request.canonical()})


def add(ledger: Ledger, call_id: str, *, days_ago: float = 0, **fields: Any) -> None:
    row = {
        "id": call_id,
        "ts_start": iso(NOW - timedelta(days=days_ago)),
        "request_json": request_json(call_id),
        "step_kind": "act",
        "status": "ok",
        **fields,
    }
    ledger.record_call(CallRecord(**row))


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "ledger.db")
    add(ledger, "old", days_ago=10, run_id="r1", task_id="t1")
    add(ledger, "plan1", days_ago=2, run_id="r2", task_id="t2", step_kind="plan")
    add(ledger, "act1", days_ago=1, run_id="r2", task_id="t2")
    add(ledger, "imported", days_ago=1, source="import:claude-code", source_id="x1")
    add(ledger, "codex", days_ago=1, source="import:codex", source_id="x2")
    # Never selected: errors, replays, unreplayable imports, rows without a request.
    add(ledger, "failed", days_ago=1, status="error")
    add(ledger, "replayed", days_ago=1, replay_of="act1", config_name="cand")
    add(ledger, "unreplayable", days_ago=1, replayable=False, source="import:gemini", source_id="x3")
    ledger.record_call(CallRecord(id="norequest", ts_start=iso(NOW), status="ok"))
    return ledger


def ids(ledger: Ledger, **filters: Any) -> list[str]:
    return [row["id"] for row in iter_selected(ledger, Selection(**filters))]


def test_only_ok_replayable_originals_with_a_request(ledger: Ledger) -> None:
    # Oldest first; equal timestamps by id.
    assert ids(ledger) == ["old", "plan1", "act1", "codex", "imported"]
    assert count_selected(ledger, Selection()) == 5


def test_each_filter(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    since = iso(NOW - timedelta(days=3))
    assert set(ids(ledger, since=since)) == {"plan1", "act1", "imported", "codex"}
    assert ids(ledger, run="r2") == ["plan1", "act1"]
    assert ids(ledger, task="t1") == ["old"]
    assert ids(ledger, step_kind=["plan"]) == ["plan1"]
    assert set(ids(ledger, step_kind=["plan", "act"])) == {"old", "plan1", "act1", "imported", "codex"}
    assert ids(ledger, source="import:claude-code") == ["imported"]
    assert set(ids(ledger, source="import:*")) == {"imported", "codex"}
    assert ids(ledger, run="r2", step_kind=["act"]) == ["act1"]
    assert ids(ledger, limit=2) == ["old", "plan1"]


def test_since_durations_and_dates() -> None:
    def parse_since(text: str) -> str:
        return ledger_ts(parse_moment(text, now=NOW))

    assert parse_since("7d") == "2026-11-19T12:00:00.000000Z"
    assert parse_since("12h") == "2026-11-26T00:00:00.000000Z"
    assert parse_since("2w") == "2026-11-12T12:00:00.000000Z"
    assert parse_since("30m") == "2026-11-26T11:30:00.000000Z"
    assert parse_since("1.5d") == "2026-11-25T00:00:00.000000Z"
    assert parse_since("2026-11-01T00:00:00Z") == "2026-11-01T00:00:00.000000Z"
    with pytest.raises(UsageError, match="--since 'yesterday'"):
        parse_since("yesterday")


def test_until_keeps_calls_before_it(ledger: Ledger) -> None:
    until = iso(NOW - timedelta(days=3))
    assert "old" in ids(ledger, until=until)
    assert not set(ids(ledger, until=until)) & {"plan1", "act1", "imported", "codex"}
    with pytest.raises(UsageError, match=r"--until .* is not after --since"):
        Selection(since=until, until=iso(NOW - timedelta(days=4)))


def test_bad_limits_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="--limit"):
        Selection(limit=0)
    with pytest.raises(UsageError, match="--sample"):
        Selection(sample=-1)


def test_sample_is_seeded_sized_and_in_time_order(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "many.db")
    for number in range(200):
        add(ledger, f"c{number:03d}", days_ago=(200 - number) / 100)
    first = ids(ledger, sample=20, seed=7)
    assert len(first) == 20 == len(set(first))
    assert first == sorted(first)  # oldest first, like every selection
    assert ids(ledger, sample=20, seed=7) == first
    assert ids(ledger, sample=20, seed=8) != first
    assert ids(ledger, sample=20, seed=7, limit=5) == first[:5]
    assert len(ids(ledger, sample=500)) == 200


def test_batches_do_not_skip_or_repeat_rows_with_equal_timestamps(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ties.db")
    stamp = iso(NOW)
    for number in range(7):
        ledger.record_call(
            CallRecord(id=f"t{number}", ts_start=stamp, request_json=request_json(str(number)), status="ok")
        )
    rows = [row["id"] for row in iter_selected(ledger, Selection(), batch=2)]
    assert rows == [f"t{n}" for n in range(7)]
    limited = [row["id"] for row in iter_selected(ledger, Selection(limit=5), batch=2)]
    assert limited == [f"t{n}" for n in range(5)]


def test_rows_written_during_iteration_are_not_selected(ledger: Ledger) -> None:
    seen = []
    for row in iter_selected(ledger, Selection(), batch=1):
        seen.append(row["id"])
        add(ledger, f"replay-of-{row['id']}", days_ago=0, replay_of=row["id"])
    assert len(seen) == 5
