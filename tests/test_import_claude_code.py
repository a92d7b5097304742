"""Claude Code transcripts → ledger, against fixtures written from the documented JSONL format.

Prices are hand-computed from Anthropic's list prices (per Mtok): claude-sonnet-4 $3 in, $15 out,
$3.75 5-minute cache write, $6 1-hour cache write, $0.30 cache read; claude-3-5-haiku $0.80 in,
$4 out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentrunner.importers import IMPORTERS, run_import
from agentrunner.importers._common import ImportContext, ImportOptions, ImportStats
from tests.support.import_fixtures import FIXTURES, config, copy_fixture, request_of, rows

PROJECTS = FIXTURES / "claude-code" / "projects"
SOURCE = "import:claude-code"

# msg_01A: 10 in, 42 out (the largest copy), 100 cache write, 1000 cache read
MSG_01A = (10 * 3 + 42 * 15 + 100 * 3.75 + 1000 * 0.30) / 1e6
MSG_02B = (20 * 3 + 12 * 15 + 1100 * 0.30) / 1e6
MSG_03S = (50 * 0.80 + 7 * 4) / 1e6  # the non-sidechain copy: 7 output tokens, not 9
MSG_05E = (3 * 3 + 10 * 15 + 2000 * 6.0) / 1e6  # 1-hour cache writes at 2x input
MSG_06F = (100 * 3 + 20 * 15) / 1e6


def test_import_rows_and_totals_equal_hand_computation(write_config) -> None:
    cfg = config(write_config)
    summary = run_import("claude-code", [PROJECTS], config=cfg)

    assert summary.files_read == 2
    assert summary.rows_added == 6
    assert summary.calls_found == 6
    # msg_01A: 3 lines in the first file, 1 copy in the resumed session; msg_03S: 2 copies.
    assert summary.in_source_duplicates == 4
    assert summary.malformed_lines == 1
    assert "1f0c9a52-0b7e-4d0e-9c1e-5a2f3c4d5e6f.jsonl:8" in summary.malformed_examples[0]
    assert summary.skipped == {"<synthetic> message (never sent to a model)": 1}
    assert summary.unpriced_calls == 1
    assert summary.unpriced_models == {"claude-mystery-9": 1}
    assert summary.cost_usd == pytest.approx(MSG_01A + MSG_02B + MSG_03S + MSG_05E + MSG_06F, abs=1e-12)
    assert summary.source_cost_usd == pytest.approx(0.001335 + 0.0006 + 0.0006)
    assert summary.first_ts == "2026-09-01T10:00:02.900000Z"
    assert summary.last_ts == "2026-09-03T14:00:02.000000Z"
    assert summary.replayable_rows == 6

    found = rows(cfg.ledger_path, SOURCE)
    assert sorted(found) == [
        "msg_01A:req_01A",
        "msg_02B:req_02B",
        "msg_03S:req_03S",
        "msg_04D:req_04D",
        "msg_05E:req_05E",
        "msg_06F:req_06F",
    ]
    first = found["msg_01A:req_01A"]
    assert (first["input_tokens"], first["output_tokens"]) == (10, 42)
    assert (first["cache_read_tokens"], first["cache_write_tokens"]) == (1000, 100)
    assert first["input_includes_cache"] == 0
    assert first["cost_usd"] == pytest.approx(MSG_01A, abs=1e-12)
    assert first["source_cost_usd"] == pytest.approx(0.001335)
    assert first["provider"] == "anthropic" and first["tier"] is None and first["step_kind"] == "act"
    assert (first["user"], first["team"]) == ("alice", "shop")
    assert first["response_text"] == "I'll list them."  # the thinking block is not part of the answer
    assert json.loads(first["response_json"])["tool_calls"][0]["name"] == "Bash"
    assert first["finish_reason"] == "tool_calls"
    assert first["price_source"].startswith("genai-prices")
    unknown = found["msg_04D:req_04D"]
    assert unknown["cost_usd"] is None and unknown["input_tokens"] == 5


def test_sidechain_copy_loses_to_the_main_copy(write_config) -> None:
    cfg = config(write_config)
    run_import("claude-code", [PROJECTS], config=cfg)
    haiku = rows(cfg.ledger_path, SOURCE)["msg_03S:req_03S"]
    # The sidechain copy has more tokens (9 output) but the non-sidechain copy (7) wins.
    assert haiku["output_tokens"] == 7
    assert haiku["ts_start"] == "2026-09-01T10:02:01.500000Z"
    assert haiku["cost_usd"] == pytest.approx(MSG_03S, abs=1e-12)
    # Its request is the subagent's own conversation, not the main one.
    assert [m.content for m in request_of(haiku).messages] == ["Search the repository for TODO comments."]


def test_one_hour_cache_writes_cost_twice_the_input_price(write_config) -> None:
    cfg = config(write_config)
    run_import("claude-code", [PROJECTS], config=cfg)
    row = rows(cfg.ledger_path, SOURCE)["msg_05E:req_05E"]
    assert row["cache_write_tokens"] == 2000
    assert row["cost_usd"] == pytest.approx(MSG_05E, abs=1e-12)
    assert "1h cache writes" in row["price_source"]


def test_requests_are_rebuilt_from_the_transcript(write_config) -> None:
    cfg = config(write_config)
    run_import("claude-code", [PROJECTS], config=cfg)
    found = rows(cfg.ledger_path, SOURCE)
    first = request_of(found["msg_01A:req_01A"])
    assert [(m.role, m.content) for m in first.messages] == [
        ("user", "List the files in src/ and tell me what they do.")
    ]
    second = request_of(found["msg_02B:req_02B"])
    assert [m.role for m in second.messages] == ["user", "assistant", "tool"]
    assert second.messages[1].tool_calls[0].arguments == {"command": "ls src", "description": "List source files"}
    assert second.messages[2].tool_call_id == "toolu_01"
    assert second.messages[2].content == "cart.py\npay.py"
    later = request_of(found["msg_04D:req_04D"])
    assert later.messages[-1].content == "Thanks. Which model are you?"
    # The synthetic API-error notice never reached the model, so it is not in the history.
    assert all("API Error" not in m.content for m in later.messages)


def test_importing_twice_adds_nothing(write_config) -> None:
    cfg = config(write_config)
    first = run_import("claude-code", [PROJECTS], config=cfg)
    again = run_import("claude-code", [PROJECTS], config=cfg)
    assert first.rows_added == 6
    assert again.rows_added == 0
    assert again.already_in_ledger == 6
    assert again.cost_usd == 0.0
    assert len(rows(cfg.ledger_path, SOURCE)) == 6


def test_long_requests_are_kept_but_not_replayable(write_config) -> None:
    cfg = config(write_config)
    summary = run_import("claude-code", [PROJECTS], config=cfg, max_request_chars=60)
    found = rows(cfg.ledger_path, SOURCE)
    assert summary.rows_added == 6
    assert found["msg_01A:req_01A"]["replayable"] == 1  # 48 characters: fits
    long_one = found["msg_02B:req_02B"]
    assert long_one["replayable"] == 0
    assert long_one["request_json"] is None and long_one["request_hash"] is None
    assert long_one["cost_usd"] == pytest.approx(MSG_02B, abs=1e-12)  # still priced and counted


def test_default_locations_from_claude_config_dir(write_config, tmp_path: Path, monkeypatch) -> None:
    cfg = config(write_config)
    empty = tmp_path / "empty-config"
    empty.mkdir()
    second = copy_fixture("claude-code", tmp_path / "second-config")  # holds projects/
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f"{empty},{second}")
    summary = run_import("claude-code", config=cfg)
    assert summary.paths == [str(empty), str(second / "projects")]
    assert summary.rows_added == 6


def test_default_locations_under_home(write_config, tmp_path: Path, monkeypatch) -> None:
    cfg = config(write_config)
    home = tmp_path / "home"
    copy_fixture("claude-code", home / ".claude")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    summary = run_import("claude-code", config=cfg)
    assert summary.paths == [str(home / ".claude" / "projects")]
    assert summary.rows_added == 6


def test_a_file_that_vanishes_or_cannot_be_opened_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    projects = copy_fixture("claude-code", tmp_path / "cc") / "projects"
    files = IMPORTERS["claude-code"].discover([projects])
    files[0].unlink()  # removed between discovery and reading (e.g. Claude Code's cleanup)
    context = ImportContext(options=ImportOptions(), stats=ImportStats())
    found = list(IMPORTERS["claude-code"].read(files, context))
    assert context.stats.files_read == 1
    assert len(context.stats.unreadable_files) == 1
    assert str(files[0]) in context.stats.unreadable_files[0]
    assert sorted(call.record.source_id for call in found) == ["msg_01A:req_01A", "msg_06F:req_06F"]
