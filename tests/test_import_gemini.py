"""Gemini CLI chat recordings → ledger: a JSONL session (messages re-appended as they change, a
``$set`` snapshot, a malformed line, an unknown model) and a legacy whole-file JSON session.

Hand prices (per Mtok, prompts under 200k): gemini-2.5-pro $1.25 input, $0.125 cached, $10 output;
gemini-2.5-flash $0.30 input, $2.50 output. Thoughts are billed as output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentrunner.importers import run_import
from tests.support.import_fixtures import FIXTURES, config, copy_fixture, request_of, rows

TMP = FIXTURES / "gemini" / "tmp"
SESSION = "1a2b3c4d-1111-4222-8333-944445555666"
LEGACY = "9f8e7d6c-aaaa-4bbb-8ccc-ddddeeeeffff"
SOURCE = "import:gemini"

M2 = ((1200 - 1000) * 1.25 + 1000 * 0.125 + (30 + 50) * 10) / 1e6
M3 = ((1300 - 1200) * 1.25 + 1200 * 0.125 + 10 * 10) / 1e6
A2 = (2000 * 0.30 + (100 + 20) * 2.50) / 1e6


def test_totals_equal_hand_computation(write_config) -> None:
    cfg = config(write_config)
    summary = run_import("gemini", [TMP], config=cfg)
    assert summary.files_read == 2
    assert summary.rows_added == 4
    assert summary.in_source_duplicates == 2  # m2 and m3 again in the $set messages snapshot
    assert summary.malformed_lines == 1
    assert summary.unpriced_models == {"gemini-imaginary-9": 1}
    assert summary.cost_usd == pytest.approx(M2 + M3 + A2, abs=1e-12)
    assert (summary.first_ts, summary.last_ts) == ("2026-08-01T10:00:04.000000Z", "2026-09-03T08:01:00.000000Z")

    found = rows(cfg.ledger_path, SOURCE)
    assert sorted(found) == sorted([f"{LEGACY}:a2", f"{SESSION}:m2", f"{SESSION}:m3", f"{SESSION}:m6"])
    m2 = found[f"{SESSION}:m2"]
    # The last copy of m2 wins: tokens and tool calls arrived after the first copy.
    assert (m2["input_tokens"], m2["cache_read_tokens"]) == (1200, 1000)
    assert (m2["output_tokens"], m2["reasoning_tokens"]) == (80, 50)
    assert m2["input_includes_cache"] == 1
    assert m2["provider"] == "google" and m2["model"] == "gemini-2.5-pro"
    assert json.loads(m2["response_json"])["tool_calls"][0]["arguments"] == {"absolute_path": "/home/dev/app/main.py"}
    assert m2["cost_usd"] == pytest.approx(M2, abs=1e-12)
    assert found[f"{LEGACY}:a2"]["cost_usd"] == pytest.approx(A2, abs=1e-12)


def test_tool_results_are_part_of_the_next_request(write_config) -> None:
    cfg = config(write_config)
    run_import("gemini", [TMP], config=cfg)
    found = rows(cfg.ledger_path, SOURCE)
    assert [(m.role, m.content) for m in request_of(found[f"{SESSION}:m2"]).messages] == [
        ("user", "What does main.py do?")
    ]
    m3 = request_of(found[f"{SESSION}:m3"])
    assert [m.role for m in m3.messages] == ["user", "assistant", "tool"]
    assert m3.messages[2].content == "print('hi')\n"
    assert m3.messages[2].tool_call_id == "read_file-1"
    # An "info" message is shown to the user, never sent to the model.
    m6 = request_of(found[f"{SESSION}:m6"])
    assert all(m.content != "Checkpoint saved." for m in m6.messages)


def test_a_rewound_call_stays_counted_but_leaves_the_history(write_config, tmp_path: Path) -> None:
    cfg = config(write_config)
    chats = tmp_path / "chats"
    chats.mkdir()
    tokens = {"input": 100, "output": 10, "cached": 0, "thoughts": 0, "tool": 0, "total": 110}
    lines = [
        {"sessionId": "rw", "projectHash": "p", "startTime": "2026-09-05T00:00:00Z"},
        {"id": "u1", "timestamp": "2026-09-05T00:00:01Z", "type": "user", "content": "first question"},
        {"id": "g1", "timestamp": "2026-09-05T00:00:02Z", "type": "gemini", "content": "first answer",
         "model": "gemini-2.5-flash", "tokens": tokens},
        {"id": "u2", "timestamp": "2026-09-05T00:00:03Z", "type": "user", "content": "bad question"},
        {"id": "g2", "timestamp": "2026-09-05T00:00:04Z", "type": "gemini", "content": "bad answer",
         "model": "gemini-2.5-flash", "tokens": tokens},
        {"$rewindTo": "u2"},
        {"id": "u3", "timestamp": "2026-09-05T00:00:05Z", "type": "user", "content": "better question"},
        {"id": "g3", "timestamp": "2026-09-05T00:00:06Z", "type": "gemini", "content": "better answer",
         "model": "gemini-2.5-flash", "tokens": tokens},
    ]
    (chats / "session-2026-09-05T00-00-rewound.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    summary = run_import("gemini", [chats], config=cfg)
    assert summary.rows_added == 3  # g2 was paid for even though the user rewound it
    g3 = request_of(rows(cfg.ledger_path, SOURCE)["rw:g3"])
    assert [m.content for m in g3.messages] == ["first question", "first answer", "better question"]


def test_importing_twice_adds_nothing(write_config) -> None:
    cfg = config(write_config)
    assert run_import("gemini", [TMP], config=cfg).rows_added == 4
    again = run_import("gemini", [TMP], config=cfg)
    assert (again.rows_added, again.already_in_ledger) == (0, 4)


def test_default_location_under_home(write_config, tmp_path: Path, monkeypatch) -> None:
    cfg = config(write_config)
    home = tmp_path / "home"
    copy_fixture("gemini", home / ".gemini")
    (home / ".gemini" / "settings.json").write_text("{}")  # not a chat recording: not read
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("GEMINI_CLI_HOME", raising=False)
    summary = run_import("gemini", config=cfg)
    assert summary.paths == [str(home / ".gemini" / "tmp")]
    assert (summary.files_read, summary.rows_added) == (2, 4)


def test_gemini_cli_home_overrides_the_home_directory(write_config, tmp_path: Path, monkeypatch) -> None:
    cfg = config(write_config)
    profile = tmp_path / "profile"
    copy_fixture("gemini", profile / ".gemini")
    monkeypatch.setenv("GEMINI_CLI_HOME", str(profile))
    summary = run_import("gemini", config=cfg)
    assert summary.paths == [str(profile / ".gemini" / "tmp")]
    assert summary.rows_added == 4


def test_a_broken_legacy_file_is_one_malformed_line(write_config, tmp_path: Path) -> None:
    cfg = config(write_config)
    chats = tmp_path / "chats"
    chats.mkdir()
    (chats / "session-broken.json").write_text('{"sessionId": "x", "messages": [', "utf-8")
    summary = run_import("gemini", [chats], config=cfg)
    assert (summary.files_read, summary.malformed_lines, summary.rows_added) == (1, 1, 0)
