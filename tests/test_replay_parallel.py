"""Parallel replays (``--concurrency``): the same results and ledger rows as a serial replay, over
real HTTP to a loopback server with parallel slots; rate limits and a shared Retry-After."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from agentrunner.config import Config, parse_config
from agentrunner.ledger import Ledger
from agentrunner.replay.compare import compare_ledger
from agentrunner.replay.engine import Candidate, ReplayEngine
from agentrunner.replay.scorers import ScorerSet
from agentrunner.replay.select import Selection
from tests.support.slot_server import SlotServer, history_rows


def candidate_config(base_url: str, extra: str = "") -> Config:
    return parse_config(f"""
[tiers.small]
provider = "openai"
model = "slot-small"
base_url = "{base_url}"
max_tokens = 64
max_retries = 3
price = {{ input_per_mtok = 1.0, output_per_mtok = 2.0 }}
{extra}
""")


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "history.db"
    ledger = Ledger(path)
    ledger.insert_calls(history_rows(60))
    ledger.close()
    return path


def replay(path: Path, config: Config, *, concurrency: int | None, outcomes: Path) -> dict[str, Any]:
    ledger = Ledger(path)
    engine = ReplayEngine(ledger, [Candidate("small", config)], ScorerSet({}, "similarity"), concurrency=concurrency)
    try:
        report = compare_ledger(engine, Selection(), outcomes_out=outcomes)
    finally:
        engine.close()
    replays = ledger.db.execute(
        "SELECT replay_of, config_name, task_id, request_hash, status, response_text, cost_usd, input_tokens "
        "FROM calls WHERE replay_of IS NOT NULL ORDER BY replay_of"
    ).fetchall()
    scores = ledger.db.execute(
        "SELECT c.replay_of, s.baseline_call_id, s.scorer, s.score FROM scores s JOIN calls c ON c.id = s.call_id "
        "ORDER BY s.baseline_call_id"
    ).fetchall()
    ledger.close()
    table = report.as_json()
    for row in table["rows"]:
        row.pop("p50_latency_ms")  # measured: a queue in front of the server's slots changes it
    return {"report": table, "replays": replays, "scores": scores,
            "outcomes": re.sub(r', "latency_ms": [0-9.]+', "", outcomes.read_text())}


def test_parallel_replay_equals_the_serial_one(history: Path, tmp_path: Path) -> None:
    parallel_copy = tmp_path / "parallel.db"
    shutil.copy(history, parallel_copy)
    with SlotServer(latency=0.02, slots=16) as server:
        serial = replay(history, candidate_config(server.base_url), concurrency=None, outcomes=tmp_path / "s.jsonl")
        serial_requests, serial_peak = server.requests, server.max_in_flight
        server.max_in_flight = 0
        parallel = replay(parallel_copy, candidate_config(server.base_url), concurrency=6,
                          outcomes=tmp_path / "p.jsonl")
        parallel_requests = server.requests - serial_requests
        parallel_peak = server.max_in_flight
    # 60 originals, 8 of them repeat an earlier prompt: 52 distinct requests, each paid once.
    assert serial_requests == parallel_requests == 52
    assert serial_peak == 1
    assert 2 <= parallel_peak <= 6  # really parallel, never above --concurrency
    assert parallel["report"] == serial["report"]
    assert parallel["outcomes"] == serial["outcomes"]  # same order, same content
    # The same rows: one ok call per distinct request, recorded against the same (first) original.
    assert parallel["replays"] == serial["replays"]
    assert len(parallel["replays"]) == 52
    assert parallel["scores"] == serial["scores"]


def test_max_concurrency_in_routes_toml_is_the_default(history: Path, tmp_path: Path) -> None:
    with SlotServer(latency=0.02, slots=16) as server:
        config = candidate_config(server.base_url, "max_concurrency = 3")
        replay(history, config, concurrency=None, outcomes=tmp_path / "o.jsonl")
        assert 2 <= server.max_in_flight <= 3


def test_a_429_retry_after_holds_back_every_worker(history: Path, tmp_path: Path) -> None:
    with SlotServer(latency=0.01, slots=8, fail_first=1, retry_after=1.0) as server:
        result = replay(history, candidate_config(server.base_url), concurrency=4, outcomes=tmp_path / "o.jsonl")
        arrivals = list(server.arrivals)
    limited_at = next(t for t, status in arrivals if status == 429)
    # Requests sent before the 429 reached the client may still arrive; after that, nobody sends
    # until Retry-After has passed (without sharing, the three other workers would send ~100).
    during = [t - limited_at for t, _ in arrivals if 0.15 < t - limited_at < 0.95]
    assert during == []
    assert sum(1 for _, status in arrivals if status == 200) == 52
    assert len([r for r in result["replays"] if r[4] == "ok"]) == 52
    assert len([r for r in result["replays"] if r[4] == "error"]) == 1  # the 429: one ledger row per request


def test_requests_per_minute_spaces_the_requests(history: Path, tmp_path: Path) -> None:
    ledger_path = tmp_path / "few.db"
    ledger = Ledger(ledger_path)
    ledger.insert_calls(history_rows(5, duplicates_every=0))
    ledger.close()
    with SlotServer(latency=0.0, slots=8) as server:
        config = candidate_config(server.base_url, "requests_per_minute = 600")  # one per 0.1 s
        replay(ledger_path, config, concurrency=4, outcomes=tmp_path / "o.jsonl")
        times = [t for t, _ in server.arrivals]
    assert len(times) == 5
    # Gaps of 0.1 s. Not counted from the first request: it also opens the connection, and under
    # load (12 on 2 cores) it arrived 0.1 s late, shrinking its gap. With four workers and no limit,
    # all five would arrive within a few milliseconds.
    assert times[-1] - times[1] > 0.28


def test_tokens_per_minute_waits_for_the_bucket(tmp_path: Path) -> None:
    from agentrunner.replay.limits import Limiter, Limits

    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = Limiter(Limits(4, None, 600), clock=lambda: now[0], sleep=sleep)  # 10 tokens/s
    limiter.acquire(500)
    limiter.release(500, 500)
    limiter.acquire(300)  # 100 left: waits for 200 more = 20 s
    assert sum(slept) == pytest.approx(20.0, abs=0.6)
    limiter.release(300, 100)  # 200 over-counted: given back
    assert limiter._tokens == pytest.approx(200.0, abs=1.0)


def test_config_rejects_parallel_in_process_tiers() -> None:
    from agentrunner.errors import ConfigError

    with pytest.raises(ConfigError, match=r"routes.toml:5: tiers.local.max_concurrency: must be 1"):
        parse_config('[tiers.local]\nprovider = "llama-cpp"\nmodel = "m"\nmodel_path = "m.gguf"\nmax_concurrency = 4\n')
    with pytest.raises(ConfigError, match=r"routes.toml:4: tiers.api.requests_per_minute"):
        parse_config('[tiers.api]\nprovider = "openai"\nmodel = "m"\nrequests_per_minute = 0\n')


def test_tune_in_parallel_finds_what_the_serial_tune_finds(tmp_path: Path) -> None:
    """tune's ledger evaluations run through the same ordered parallel replay: same result, same calls."""
    history = Ledger(tmp_path / "history.db")
    history.insert_calls(history_rows(24))
    history.close()
    from agentrunner.replay.limits import Limiters
    from agentrunner.replay.tune import LedgerEvaluator, Space, tune

    with SlotServer(latency=0.005, slots=8) as server:
        base = parse_config(f"""
[tiers.small]
provider = "openai"
model = "slot-small"
base_url = "{server.base_url}"
max_tokens = 64
price = {{ input_per_mtok = 1.0, output_per_mtok = 2.0 }}

[tiers.big]
provider = "openai"
model = "slot-big"
base_url = "{server.base_url}"
max_tokens = 64
price = {{ input_per_mtok = 10.0, output_per_mtok = 30.0 }}

[router]
threshold = 1.0
""")

        def search(path: Path, concurrency: int | None) -> tuple[dict[str, Any], int]:
            shutil.copy(tmp_path / "history.db", path)
            ledger = Ledger(path)
            limiters = Limiters(concurrency)
            before = server.requests
            evaluator = LedgerEvaluator(
                ledger, base, Selection(),
                lambda candidates: ReplayEngine(ledger, candidates, ScorerSet({}, "exact"), limiters=limiters),
            )
            result = tune(Space(base, search_tokens=False), evaluator, floor=0.6, max_evals=4, restarts=0)
            ledger.close()
            return result.as_dict(), server.requests - before

        serial, serial_calls = search(tmp_path / "serial.db", None)
        server.max_in_flight = 0
        parallel, parallel_calls = search(tmp_path / "parallel.db", 8)
        assert server.max_in_flight > 1
    assert parallel == serial
    assert parallel_calls == serial_calls > 0
