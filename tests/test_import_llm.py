"""llm's logs.db → ledger, against a database built from llm's migrations (tests/fixtures/import/
llm/logs.sql): the ``responses`` table and the newer ``turns`` over ``messages``/``parts``.

Hand prices (per Mtok): gpt-4o-mini $0.15 input, $0.075 cached, $0.60 output; claude-3-5-sonnet
$3 input, $0.30 cache read, $15 output; gemini-2.5-flash $0.30 input, $2.50 output.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from agentrunner.importers import run_import
from tests.support.import_fixtures import config, make_llm_db, request_of, rows

SOURCE = "import:llm"


def mini(input_tokens: int, output: int, cached: int = 0) -> float:
    return ((input_tokens - cached) * 0.15 + cached * 0.075 + output * 0.60) / 1e6


EXPECTED = {
    "response:01r1": mini(20, 3),
    "response:01r2": mini(2000, 4, cached=1024),
    "response:01r3": (100 * 3 + 1000 * 0.30 + 50 * 15) / 1e6,  # Anthropic: input excludes cache
    "response:01r4": (500 * 0.30 + 120 * 2.50) / 1e6,
    "response:01r5": None,  # no token counts
    "response:01r6": mini(100, 10),
    "response:01r7": mini(50, 5),
    "turn:01t1": mini(10, 3),
    "turn:01t2": mini(25, 6),
}


@pytest.fixture
def logs_db(tmp_path: Path) -> Path:
    return make_llm_db(tmp_path / "logs.db")


def test_totals_equal_hand_computation(write_config, logs_db: Path) -> None:
    cfg = config(write_config)
    summary = run_import("llm", [logs_db], config=cfg)
    assert summary.files_read == 1
    assert summary.rows_added == 9
    assert summary.unpriced_models == {"mystery-local-model": 1}
    assert summary.cost_usd == pytest.approx(sum(v for v in EXPECTED.values() if v), abs=1e-12)
    assert summary.replayable_rows == 8  # the tool-using response is not rebuilt
    found = rows(cfg.ledger_path, SOURCE)
    assert set(found) == set(EXPECTED)
    for key, cost in EXPECTED.items():
        assert found[key]["cost_usd"] == (pytest.approx(cost, abs=1e-12) if cost else None), key
    sonnet = found["response:01r3"]
    assert sonnet["model"] == "claude-3-5-sonnet-latest"  # llm-anthropic's "anthropic/" prefix dropped
    assert (sonnet["provider"], sonnet["input_includes_cache"], sonnet["cache_read_tokens"]) == ("anthropic", 0, 1000)
    assert found["response:01r2"]["cache_read_tokens"] == 1024
    assert found["response:01r4"]["reasoning_tokens"] == 20
    assert found["response:01r1"]["resolved_model"] == "gpt-4o-mini-2024-07-18"
    assert found["response:01r1"]["latency_ms"] == 410
    assert found["response:01r5"]["ts_start"] == "2026-07-01T15:00:00.000000Z"  # naive time read as UTC


def test_requests_are_rebuilt(write_config, logs_db: Path) -> None:
    cfg = config(write_config)
    run_import("llm", [logs_db], config=cfg)
    found = rows(cfg.ledger_path, SOURCE)
    second = request_of(found["response:01r2"])
    assert [(m.role, m.content) for m in second.messages] == [
        ("system", "Be brief."),
        ("user", "Say hi"),
        ("assistant", "Hi!"),
        ("user", "Again, louder"),
    ]
    fragment = request_of(found["response:01r7"])
    assert fragment.messages[-1].content == "cart.py: the shopping basket\nSummarise this."
    assert found["response:01r6"]["replayable"] == 0 and found["response:01r6"]["request_json"] is None
    turn = request_of(found["turn:01t2"])
    assert [(m.role, m.content) for m in turn.messages] == [
        ("user", "Hello turns"),
        ("assistant", "Hello back"),
        ("user", "Bye, cart.py: the shopping basket"),  # text_ref literal + fragment
    ]
    assert found["turn:01t2"]["response_text"] == "Bye!"
    assert json.loads(found["turn:01t2"]["response_json"])["tool_calls"][0]["arguments"] == {"tz": "UTC"}


def test_the_logs_database_is_not_modified_and_reimport_adds_nothing(write_config, logs_db: Path) -> None:
    cfg = config(write_config)
    before = hashlib.sha256(logs_db.read_bytes()).hexdigest()
    assert run_import("llm", [logs_db], config=cfg).rows_added == 9
    again = run_import("llm", [logs_db], config=cfg)
    assert (again.rows_added, again.already_in_ledger) == (0, 9)
    assert hashlib.sha256(logs_db.read_bytes()).hexdigest() == before
    assert not Path(str(logs_db) + "-wal").exists()


def test_llm_user_path_is_the_default_location(write_config, tmp_path: Path, monkeypatch) -> None:
    cfg = config(write_config)
    user_path = tmp_path / "llm-home"
    user_path.mkdir()
    make_llm_db(user_path / "logs.db")
    monkeypatch.setenv("LLM_USER_PATH", str(user_path))
    summary = run_import("llm", config=cfg)
    assert summary.paths == [str(user_path / "logs.db")]
    assert summary.rows_added == 9


def test_default_location_under_home(write_config, tmp_path: Path, monkeypatch) -> None:
    cfg = config(write_config)
    home = tmp_path / "home"
    directory = home / ".config" / "io.datasette.llm"
    directory.mkdir(parents=True)
    make_llm_db(directory / "logs.db")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("LLM_USER_PATH", raising=False)
    assert run_import("llm", config=cfg).rows_added == 9


def test_a_file_that_is_not_a_database_is_a_one_line_error(cli, tmp_path: Path) -> None:
    bogus = tmp_path / "logs.db"
    bogus.write_text("this is not sqlite\n" * 200)
    result = cli("import", "llm", str(bogus))
    assert result.exit_code == 2
    assert "not a readable llm logs database" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
