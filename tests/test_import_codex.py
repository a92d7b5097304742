"""Codex CLI rollouts → ledger, against fixtures written from the rollout JSONL format: a parent
session and a fork of it that copies the parent's history (token_count events included).

Hand prices (per Mtok): gpt-5 and gpt-5-codex $1.25 input, $0.125 cached input, $10 output
(reasoning is inside output).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agentrunner.importers import run_import
from tests.support.import_fixtures import FIXTURES, config, copy_fixture, request_of, rows

SESSIONS = FIXTURES / "codex" / "sessions"
DAY = SESSIONS / "2026" / "09" / "02"
PARENT = DAY / "rollout-2026-09-02T09-00-00-0199a1b2-0000-7000-8000-00000000aaaa.jsonl"
CHILD = DAY / "rollout-2026-09-02T10-00-00-0199a1b2-0000-7000-8000-00000000bbbb.jsonl"
ROOT = "0199a1b2-0000-7000-8000-00000000aaaa"
SOURCE = "import:codex"


def price(input_tokens: int, cached: int, output: int) -> float:
    return ((input_tokens - cached) * 1.25 + cached * 0.125 + output * 10) / 1e6


PARENT_1 = price(1000, 200, 50)  # last_token_usage
PARENT_2 = price(1500, 900, 80)  # no last_token_usage: total (2500, 1100, 130) minus (1000, 200, 50)
CHILD_1 = price(1500, 900, 70)


def test_parent_and_fork_totals_equal_hand_computation(write_config) -> None:
    cfg = config(write_config)
    summary = run_import("codex", [SESSIONS], config=cfg)

    assert summary.files_read == 2
    assert summary.rows_added == 4  # 2 parent calls + 2 calls of the fork's own
    # 1 token_count repeated with unchanged totals + the fork's 2 copied parent calls
    assert summary.in_source_duplicates == 3
    assert summary.malformed_lines == 1
    assert summary.unpriced_models == {"gpt-9-imaginary": 1}
    assert summary.cost_usd == pytest.approx(PARENT_1 + PARENT_2 + CHILD_1, abs=1e-12)
    assert summary.first_ts == "2026-09-02T09:00:04.300000Z"

    found = rows(cfg.ledger_path, SOURCE)
    assert sorted(found) == sorted(
        f"{ROOT}:{totals}" for totals in ("1000:200:50:20", "2500:1100:130:40", "4000:2000:200:60", "4100:2000:210:60")
    )
    derived = found[f"{ROOT}:2500:1100:130:40"]
    assert (derived["input_tokens"], derived["cache_read_tokens"], derived["output_tokens"]) == (1500, 900, 80)
    assert derived["reasoning_tokens"] == 20
    assert derived["input_includes_cache"] == 1
    assert derived["model"] == "gpt-5-codex" and derived["provider"] == "openai"
    assert derived["ts_start"] == "2026-09-02T09:00:09.100000Z"  # the parent's own time, not the fork's
    assert derived["response_text"] == "Fixed: off-by-one in add()."
    own = found[f"{ROOT}:4000:2000:200:60"]
    assert own["model"] == "gpt-5"  # the fork's turn_context changed the model
    assert own["cost_usd"] == pytest.approx(CHILD_1, abs=1e-12)
    assert (own["user"], own["step_kind"], own["tier"]) == ("alice", "act", None)


def test_requests_are_rebuilt_from_response_items(write_config) -> None:
    cfg = config(write_config)
    run_import("codex", [SESSIONS], config=cfg)
    found = rows(cfg.ledger_path, SOURCE)
    first = request_of(found[f"{ROOT}:1000:200:50:20"])
    assert [m.content for m in first.messages][-1] == "Fix the failing test."
    assert json.loads(found[f"{ROOT}:1000:200:50:20"]["response_json"])["tool_calls"] == [
        {"id": "call_1", "name": "shell", "arguments": {"command": ["pytest", "-q"]}}
    ]
    second = request_of(found[f"{ROOT}:2500:1100:130:40"])
    assert [m.role for m in second.messages] == ["user", "user", "assistant", "tool"]
    assert second.messages[3].tool_call_id == "call_1"
    own = request_of(found[f"{ROOT}:4000:2000:200:60"])
    assert own.messages[-1].content == "Now add a test for negative numbers."
    assert own.messages[-2].content == "Fixed: off-by-one in add()."  # the copied history is the fork's context


def test_a_fork_read_before_its_parent_still_counts_each_call_once(write_config, tmp_path: Path) -> None:
    cfg = config(write_config)
    child_only = tmp_path / "child"
    child_only.mkdir()
    shutil.copy(CHILD, child_only)
    first = run_import("codex", [child_only], config=cfg)
    assert first.rows_added == 4  # the 2 copied calls (at the fork's time) and the fork's own 2
    parent = run_import("codex", [PARENT], config=cfg)
    assert parent.rows_added == 0
    assert parent.already_in_ledger == 2
    assert len(rows(cfg.ledger_path, SOURCE)) == 4


def test_importing_twice_adds_nothing(write_config) -> None:
    cfg = config(write_config)
    assert run_import("codex", [SESSIONS], config=cfg).rows_added == 4
    again = run_import("codex", [SESSIONS], config=cfg)
    assert (again.rows_added, again.already_in_ledger) == (0, 4)


def test_codex_home_is_the_default_location(write_config, tmp_path: Path, monkeypatch) -> None:
    cfg = config(write_config)
    home = copy_fixture("codex", tmp_path / "codex-home")
    archived = home / "archived_sessions"
    archived.mkdir()
    shutil.move(str(home / "sessions" / "2026" / "09" / "02" / CHILD.name), archived / CHILD.name)
    monkeypatch.setenv("CODEX_HOME", str(home))
    summary = run_import("codex", config=cfg)
    assert summary.paths == [str(home / "sessions"), str(archived)]
    assert summary.files_read == 2
    assert summary.rows_added == 4


def test_a_session_without_turn_context_is_imported_unpriced(write_config, tmp_path: Path) -> None:
    cfg = config(write_config)
    legacy = tmp_path / "rollout-2026-01-01T00-00-00-legacy.jsonl"
    legacy.write_text(
        json.dumps({"timestamp": "2026-01-01T00:00:00Z", "type": "session_meta", "payload": {"id": "legacy"}})
        + "\n"
        + json.dumps(
            {
                "timestamp": "2026-01-01T00:00:05Z",
                "type": "event_msg",
                "payload": {
                    "type": "token_count",
                    "info": {"total_token_usage": {"input_tokens": 10, "output_tokens": 2}},
                },
            }
        )
        + "\n",
        "utf-8",
    )
    summary = run_import("codex", [legacy], config=cfg)
    assert summary.rows_added == 1
    assert summary.unpriced_models == {"unknown": 1}
