"""scripts/bench_replay.py's server harness: a served model's log must never stall the benchmark.

Session 5's ``--mode llama-server`` at concurrency 4 "never finished": the harness read the
server's stdout only until it was ready, and ``llama_cpp.server`` writes ~590 bytes per request
(uvicorn's access log, llama.cpp's timings). After ~110 requests the 64 KiB pipe was full, the
server's event loop blocked writing its access log (wchan ``anon_pipe_write``), and every request
waited for ever — whatever the concurrency; concurrency 4 simply came after concurrency 1's 100.
Here a loopback server that answers one request at a time and logs 2,000 bytes per request is
replayed 80 times at concurrency 4 through the harness (160 KB of log: more than a pipe holds).
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_replay", REPO / "scripts" / "bench_replay.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_replay"] = bench
_spec.loader.exec_module(bench)

ROWS = 80
LOG_BYTES = 2000


def test_a_chatty_one_at_a_time_server_does_not_stall_a_concurrent_replay(tmp_path: Path) -> None:
    from agentrunner.config import parse_config
    from agentrunner.ledger import Ledger
    from agentrunner.replay.compare import compare_ledger
    from agentrunner.replay.engine import Candidate, ReplayEngine
    from agentrunner.replay.scorers import ScorerSet
    from agentrunner.replay.select import Selection

    server = bench.ServerProcess(
        [sys.executable, "-m", "tests.support.slot_server", "--latency", "0", "--slots", "1",
         "--log-bytes", str(LOG_BYTES)], ready="PORT ", log=tmp_path / "server.log")
    outcome: dict[str, Any] = {}
    finished = threading.Event()
    try:
        path = tmp_path / "ledger.db"
        ledger = Ledger(path)
        ledger.insert_calls(bench.served_originals(ROWS))
        engine = ReplayEngine(ledger, [Candidate("served", parse_config(bench.SERVED.format(
            base_url=server.base_url, max_tokens=16)))], ScorerSet({}, "similarity"), concurrency=4)

        def replay() -> None:
            try:
                outcome["report"] = compare_ledger(engine, Selection())
            except BaseException as exc:  # reported by the assertion below
                outcome["error"] = exc
            finally:
                finished.set()

        threading.Thread(target=replay, daemon=True).start()
        # Not a timing bound: ~1 s of work; a stalled server never answers again (the bound only
        # turns a hang into a failure, generous for a loaded machine).
        stalled = not finished.wait(240)
        requests = server.stats()["requests"] if not stalled else None
    finally:
        server.stop()
    assert not stalled, "the replay stalled: the server blocked writing its log"
    assert "error" not in outcome, outcome.get("error")
    engine.close()
    assert outcome["report"].rows[1]["calls"] == ROWS
    assert bench.replay_count(path) == (ROWS, ROWS)
    assert requests == ROWS
    log = (tmp_path / "server.log").read_text()
    assert f"request {ROWS} answered" in log  # the whole log is kept, for a stalled run's diagnosis
    ledger.close()
