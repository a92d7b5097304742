"""``agentrunner import …`` from the command line: summaries, --json, --dry-run, --since, errors,
and the imported calls showing up in ``ledger stats`` and ``report``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from agentrunner.config import load_config
from tests.support.import_fixtures import CONFIG_WITH_USER, FIXTURES, make_llm_db

PROJECTS = FIXTURES / "claude-code" / "projects"
CLAUDE_TOTAL = 0.001335 + 0.00057 + 0.000068 + 0.012159 + 0.0006  # see test_import_claude_code.py


@pytest.fixture
def cfg(write_config):
    return load_config(write_config(CONFIG_WITH_USER))


def test_import_prints_a_summary_and_ledger_stats_shows_the_calls(cli, cfg) -> None:
    result = cli("import", "claude-code", str(PROJECTS))
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"import claude-code: 2 files read from {PROJECTS}" in out
    assert "rows added      6" in out
    assert "duplicates      4 skipped (4 repeated in the files, 0 already in the ledger)" in out
    assert "malformed       1" in out
    assert "unpriced        1 call: claude-mystery-9 (1)" in out
    assert "dates           2026-09-01 … 2026-09-03" in out
    assert f"cost            ${CLAUDE_TOTAL:.6f}" in out

    stats = cli("ledger", "stats", "--json")
    assert stats.exit_code == 0, stats.output
    data = json.loads(stats.output)
    assert data["calls"] == 6
    assert data["cost_usd"] == pytest.approx(CLAUDE_TOTAL, abs=1e-6)
    assert data["unpriced_calls"] == 1
    assert data["first"] == "2026-09-01T10:00:02.900000Z"


def test_json_summary(cli, cfg) -> None:
    result = cli("import", "codex", str(FIXTURES / "codex"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tool"] == "codex" and data["source"] == "import:codex"
    assert (data["files_read"], data["rows_added"], data["duplicates_skipped"]) == (2, 4, 3)
    assert data["malformed_lines"] == 1
    assert data["unpriced_models"] == {"gpt-9-imaginary": 1}
    assert data["cost_usd"] == pytest.approx(0.00475, abs=1e-9)


def test_dry_run_writes_nothing_and_compares_prices(cli, cfg) -> None:
    result = cli("import", "claude-code", str(PROJECTS), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "(dry run: nothing written)" in result.output
    assert "rows would add  6" in result.output
    assert "our price vs the tool's recorded cost:" in result.output
    assert not cfg.ledger_path.exists()

    data = json.loads(cli("import", "claude-code", str(PROJECTS), "--dry-run", "--json").output)
    assert data["dry_run"] is True and data["rows_added"] == 6
    [difference] = data["cost_differences"]
    assert difference["model"] == "claude-sonnet-4-20250514"
    assert difference["calls"] == 3
    assert difference["our_cost_usd"] == pytest.approx(0.001335 + 0.00057 + 0.0006)
    assert difference["tool_cost_usd"] == pytest.approx(0.001335 + 0.0006 + 0.0006)
    assert difference["difference_usd"] == pytest.approx(-0.00003)
    assert not cfg.ledger_path.exists()


def test_dry_run_after_an_import_sees_the_ledger_read_only(cli, cfg) -> None:
    assert cli("import", "claude-code", str(PROJECTS)).exit_code == 0
    before = _contents(cfg.ledger_path)
    codex = json.loads(cli("import", "codex", str(FIXTURES / "codex"), "--dry-run", "--json").output)
    assert codex["rows_added"] == 4
    data = json.loads(cli("import", "claude-code", str(PROJECTS), "--dry-run", "--json").output)
    assert (data["rows_added"], data["already_in_ledger"]) == (0, 6)
    assert _contents(cfg.ledger_path) == before


def _contents(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT source, source_id, cost_usd FROM calls ORDER BY source, source_id").fetchall()
    finally:
        conn.close()


def test_since_keeps_later_calls_only(cli, cfg) -> None:
    data = json.loads(cli("import", "claude-code", str(PROJECTS), "--since", "2026-09-02", "--json").output)
    assert data["rows_added"] == 2
    # 4 calls of 2026-09-01, and the resumed session's copy of one of them (not deduplicated
    # against rows it was never compared with)
    assert data["skipped"]["before --since"] == 5
    conn = sqlite3.connect(cfg.ledger_path)
    assert {r[0] for r in conn.execute("SELECT source_id FROM calls")} == {"msg_05E:req_05E", "msg_06F:req_06F"}
    conn.close()


def test_until_keeps_earlier_calls_only(cli, cfg) -> None:
    data = json.loads(cli("import", "claude-code", str(PROJECTS), "--until", "2026-09-02", "--json").output)
    assert data["skipped"]["from --until on"] == 2
    assert data["rows_added"] == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "claude-code", "/no/such/dir"], "error: /no/such/dir: no such file or directory"),
        (["import", "gemini", str(PROJECTS), "--since", "last tuesday"], "--since 'last tuesday': expected an age"),
        (["import", "gemini", str(PROJECTS), "--since", "2d", "--until", "3d"], "--until '3d' is not after --since"),
        (["import", "gemini", str(PROJECTS)], "no Gemini CLI chat recordings found in"),
    ],
)
def test_bad_input_is_a_one_line_error(cli, cfg, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_no_history_in_the_default_location_says_where_it_looked(cli, cfg, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))
    monkeypatch.delenv("CODEX_HOME", raising=False)
    result = cli("import", "codex")
    assert result.exit_code == 2
    assert "no Codex CLI sessions found (looked in" in result.output
    assert str(tmp_path / "empty-home" / ".codex" / "sessions") in result.output


def test_all_four_imports_show_in_report_by_source(cli, cfg, tmp_path: Path) -> None:
    assert cli("import", "claude-code", str(PROJECTS)).exit_code == 0
    assert cli("import", "codex", str(FIXTURES / "codex")).exit_code == 0
    assert cli("import", "gemini", str(FIXTURES / "gemini")).exit_code == 0
    assert cli("import", "llm", str(make_llm_db(tmp_path / "logs.db"))).exit_code == 0
    result = cli("report", "--by", "source", "--from", "2026-01-01", "--to", "2026-12-31", "--json")
    assert result.exit_code == 0, result.output
    text = result.output
    for source in ("import:claude-code", "import:codex", "import:gemini", "import:llm"):
        assert source in text
    by_model = cli("report", "--by", "model", "--from", "2026-01-01", "--to", "2026-12-31")
    assert by_model.exit_code == 0, by_model.output
    assert "claude-sonnet-4-20250514" in by_model.output


def test_every_replayable_imported_row_is_a_request_replay_can_send(cli, cfg, tmp_path: Path) -> None:
    from agentrunner.replay.engine import request_from_row

    for args in (["claude-code", str(PROJECTS)], ["codex", str(FIXTURES / "codex")],
                 ["gemini", str(FIXTURES / "gemini")], ["llm", str(make_llm_db(tmp_path / "logs.db"))]):
        assert cli("import", *args).exit_code == 0
    conn = sqlite3.connect(cfg.ledger_path)
    conn.row_factory = sqlite3.Row
    replayable = conn.execute("SELECT * FROM calls WHERE replayable = 1").fetchall()
    assert len(replayable) == 6 + 4 + 4 + 8
    for row in replayable:
        request = request_from_row(dict(row))
        assert request.messages and request.request_hash() == row["request_hash"]
    conn.close()


def test_garbage_lines_are_counted_never_a_traceback(cli, cfg, tmp_path: Path) -> None:
    transcript = tmp_path / "garbage.jsonl"
    good = {
        "type": "assistant",
        "timestamp": "2026-09-09T09:09:09Z",
        "requestId": "req_ok",
        "message": {"id": "msg_ok", "model": "claude-sonnet-4-20250514", "content": "ünïcode ✓",
                    "usage": {"input_tokens": 1, "output_tokens": 1}},
    }
    transcript.write_bytes(
        b"\xff\xfe not utf-8\n"
        b"[1, 2, 3]\n"
        b'"just a string"\n'
        b'{"type": "assistant", "message": "not an object"}\n'
        b'{"type": "assistant", "timestamp": "2026-09-09T09:09:09Z", "message": {"id": "m", "model": "x"}}\n'
        b'{"type": "assistant", "timestamp": "yesterday", "message": {"id": "m2", "model": "x", "usage": {}}}\n'
        b"\n" + json.dumps(good, ensure_ascii=False).encode("utf-8") + b"\n"
    )
    result = cli("import", "claude-code", str(transcript), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["malformed_lines"] == 6
    assert data["rows_added"] == 1
    conn = sqlite3.connect(cfg.ledger_path)
    assert conn.execute("SELECT response_text FROM calls").fetchone()[0] == "ünïcode ✓"
    conn.close()


LOCAL_SHORT = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
max_tokens = 32
cost_per_hour = 0.05
"""


@pytest.mark.model
def test_an_imported_call_replays_through_the_embedded_model(cli, write_config, tmp_path: Path) -> None:
    """Day one: history imported from llm is replayed through the local tier by `compare`."""
    config_path = write_config(LOCAL_SHORT)
    assert cli("import", "llm", str(make_llm_db(tmp_path / "logs.db"))).exit_code == 0
    result = cli("compare", str(config_path), "--source", "import:llm", "--limit", "1", "--json")
    assert result.exit_code == 0, result.output
    baseline, local = json.loads(result.stdout)["rows"]
    assert baseline["calls"] == 1 and baseline["cost_usd"] == pytest.approx(20 * 0.15e-6 + 3 * 0.60e-6)
    assert local["by_tier"] == {"local": 1}
    assert local["errors"] == 0 and local["paid_usd"] > 0
