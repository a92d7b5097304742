"""``compare --estimate`` (nothing called), ``--sample N`` stratified with bootstrap intervals, and
``--stop-when-decided``; over real HTTP to a loopback server that counts every request."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from agentrunner.ledger import Ledger
from agentrunner.replay.sampling import StratifiedScores
from agentrunner.replay.select import Selection, allocate, iter_selected
from tests.support.slot_server import SlotServer
from tests.test_replay_resume import project


def ledger_counts(home: Path) -> tuple[int, int]:
    conn = sqlite3.connect(home / ".agentrunner" / "ledger.db")
    try:
        return (conn.execute("SELECT count(*) FROM calls").fetchone()[0],
                conn.execute("SELECT count(*) FROM runs").fetchone()[0])
    finally:
        conn.close()


def test_estimate_calls_nothing_and_counts_what_a_replay_would_pay(
    isolated_home: Path, write_config: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    with SlotServer(latency=0.0, slots=4) as server:
        candidate = project(isolated_home, write_config, server, rows=30)
        assert cli("compare", str(candidate), "--limit", "10").exit_code == 0  # 10 answers now cached
        requests, gets = server.requests, server.gets
        before = ledger_counts(isolated_home)
        result = cli("compare", str(candidate), "--estimate", "--concurrency", "4", "--json")
        assert result.exit_code == 0, result.output
        assert (server.requests, server.gets) == (requests, gets)  # no call, no probe
        assert ledger_counts(isolated_home) == before  # nothing written, no run started
    (small,) = json.loads(result.stdout)["estimates"]
    assert (small["calls"], small["cached"], small["to_call"]) == (30, 10, 20)
    assert (small["input_tokens"], small["output_tokens"]) == (20 * 60, 20 * 12)
    assert small["cost_usd"] == pytest.approx(20 * (60 * 1.0 + 12 * 2.0) / 1e6)
    # slot-small's 10 calls are in the ledger: its measured tokens/s sets the time, over 4 slots.
    notes = json.loads(result.stdout)["notes"]
    assert any("slot-small" in note and "measured over its last 10 call(s)" in note for note in notes)
    table = cli("compare", str(candidate), "--estimate")
    assert "nothing called" in table.output and "expected time" in table.output


def test_estimate_without_history_states_its_assumption(
    isolated_home: Path, write_config: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    with SlotServer(latency=0.0, slots=4) as server:
        candidate = project(isolated_home, write_config, server, rows=6)
        result = cli("compare", str(candidate), "--estimate", "--json")
        assert server.requests == server.gets == 0
    data = json.loads(result.stdout)
    assert data["estimates"][0]["seconds"] == pytest.approx(6 * 12 / 30, abs=0.1)  # 30 tokens/s assumed
    assert any("no calls of it in the ledger; assumed 30 output tokens/s" in note for note in data["notes"])


def test_allocation_is_proportional_and_exact() -> None:
    assert allocate({("a",): 50, ("b",): 30, ("c",): 20}, 10) == {("a",): 5, ("b",): 3, ("c",): 2}
    assert allocate({("a",): 2, ("b",): 1}, 10) == {("a",): 2, ("b",): 1}
    counts = allocate({("a",): 1, ("b",): 1, ("c",): 1}, 2)
    assert sum(counts.values()) == 2


def test_sample_is_stratified_by_step_kind(tmp_path: Path) -> None:
    from tests.support.slot_server import history_rows

    ledger = Ledger(tmp_path / "l.db")
    rows = list(history_rows(200, duplicates_every=0))
    for number, row in enumerate(rows):
        row["step_kind"] = "plan" if number % 4 == 0 else "act"  # 50 plan, 150 act
    ledger.insert_calls(rows)
    for interleave in (False, True):
        sample = list(iter_selected(ledger, Selection(sample=40, seed=3, interleave=interleave)))
        assert Counter(row["step_kind"] for row in sample) == {"act": 30, "plan": 10}
    ordered = list(iter_selected(ledger, Selection(sample=40, seed=3, interleave=True)))
    # interleaved: every prefix is stratified too
    assert Counter(row["step_kind"] for row in ordered[:8]) == {"act": 6, "plan": 2}


def test_bootstrap_interval_and_verdicts() -> None:
    stats = StratifiedScores({("a",): 900, ("b",): 100}, seed=1)
    for _ in range(29):
        stats.add("x", ("a",), 1.0)
    assert stats.interval("x", 0.95).verdict == "undecided"  # too few calls to decide
    stats.add("x", ("b",), 1.0)
    assert stats.interval("x", 0.95).verdict == "above the floor"
    mixed = StratifiedScores({("a",): 500, ("b",): 500}, seed=1)
    for number in range(100):
        mixed.add("y", ("a",), 1.0)
        mixed.add("y", ("b",), 1.0 if number % 2 else 0.0)
    interval = mixed.interval("y", 0.95)
    assert interval.quality == pytest.approx(0.75)  # 0.5 × 1 + 0.5 × 0.5
    assert 0.65 < interval.low < 0.75 < interval.high < 0.85
    assert interval.verdict == "below the floor"
    assert mixed.interval("y", 0.75).verdict == "undecided"
    assert interval.as_dict()["difference"] == pytest.approx(-0.25)


@pytest.mark.parametrize(("floor", "stops"), [("0.95", True), ("0.3", True), ("0.667", False)])
def test_stop_when_decided(
    isolated_home: Path, write_config: Callable[[str], Path], cli: Callable[..., Result], floor: str, stops: bool
) -> None:
    with SlotServer(latency=0.0, slots=4) as server:
        candidate = project(isolated_home, write_config, server, rows=150)
        # Two thirds of the recorded answers are the candidate's: quality 0.667 with the exact scorer.
        result = cli("compare", str(candidate), "--sample", "120", "--stop-when-decided", "--scorer", "exact",
                     "--quality-floor", floor, "--json")
        assert result.exit_code == 0, result.output
        sampling = json.loads(result.stdout)["sampling"]
        (interval,) = sampling["intervals"].values()
        if stops:
            assert sampling["stopped_after"] == 30  # the first look at which it may decide
            assert server.requests == 30
            assert interval["verdict"] == ("below the floor" if floor == "0.95" else "above the floor")
        else:
            assert sampling["stopped_after"] is None
            assert server.requests == 120
            assert interval["verdict"] == "undecided"
        assert json.loads(result.stdout)["rows"][1]["calls"] == (sampling["stopped_after"] or 120)


def test_stop_when_decided_needs_a_sample(
    isolated_home: Path, write_config: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    with SlotServer(latency=0.0, slots=4) as server:
        candidate = project(isolated_home, write_config, server, rows=3)
        result = cli("compare", str(candidate), "--stop-when-decided")
    assert result.exit_code == 2
    assert "--stop-when-decided needs --sample N" in result.output


@pytest.mark.parametrize(("floor", "verdict", "code"), [("0.3", "above the floor", 0), ("0.95", "below the floor", 1)])
def test_tune_stop_when_decided_stops_train_evaluations_and_replays_heldout_in_full(
    isolated_home: Path, write_config: Callable[[str], Path], cli: Callable[..., Result], floor: str, verdict: str,
    code: int,
) -> None:
    from agentrunner.replay.tune import in_heldout
    from tests.test_replay_resume import tier

    with SlotServer(latency=0.0, slots=4) as server:
        project(isolated_home, write_config, server, rows=150)
        # One tier on the candidate model: two thirds of the recorded answers are its (exact scorer:
        # quality 0.667) — above a floor of 0.3, below 0.95; decided at the first look (30 calls).
        write_config(tier("small", "slot-small", server.base_url))
        result = cli("tune", "--sample", "120", "--stop-when-decided", "--scorer", "exact", "--quality-floor", floor,
                     "--max-evals", "3", "--json")
        assert result.exit_code == code, result.output
        data = json.loads(result.stdout)
    early = data["stop_when_decided"]
    train_calls = early["train_calls"]
    assert train_calls > 60 and early["train_evaluations"] >= 1
    assert early["stopped_early"] == early["train_evaluations"]  # every search evaluation stopped at 30 calls
    assert all(item["calls"] == 30 and item["verdict"] == verdict for item in early["evaluations"])
    assert data["current"]["train"]["n"] == 30
    heldout = 120 - train_calls
    assert data["current"]["heldout"]["n"] == heldout  # held-out: never stopped early
    if code == 0:
        assert data["passed"] and data["heldout"]["n"] == heldout and data["train"]["n"] == 30
    # Serial replay (max_concurrency 1): only the 30 interleaved train calls were ever replayed on train.
    conn = sqlite3.connect(isolated_home / ".agentrunner" / "ledger.db")
    try:
        originals = {row[0] for row in conn.execute("SELECT DISTINCT replay_of FROM calls WHERE replay_of IS NOT NULL")}
    finally:
        conn.close()
    assert sum(1 for original in originals if not in_heldout(original, 0)) == 30


def test_tune_stop_when_decided_needs_a_sample_and_the_ledger(
    isolated_home: Path, write_config: Callable[[str], Path], cli: Callable[..., Result], tmp_path: Path
) -> None:
    with SlotServer(latency=0.0, slots=4) as server:
        project(isolated_home, write_config, server, rows=3)
        result = cli("tune", "--stop-when-decided")
        assert result.exit_code == 2 and "--stop-when-decided needs --sample N" in result.output
        dataset = tmp_path / "d.jsonl"
        dataset.write_text('{"id": 1, "prompt": "p", "outcomes": {"a": {"score": 1.0}}}\n')
        result = cli("tune", "--dataset", str(dataset), "--stop-when-decided")
        assert result.exit_code == 2 and "not with --dataset" in result.output
        assert server.requests == 0
