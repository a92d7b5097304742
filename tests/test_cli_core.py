"""`init`, `models`, `ask`, `ledger …`, `--version`: the documented commands, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner import __version__
from tests.conftest import LOCAL_ONLY


def test_version(cli: Callable) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.output.strip() == f"agentrunner {__version__}"


def test_python_dash_m_works() -> None:
    proc = subprocess.run([sys.executable, "-m", "agentrunner", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == f"agentrunner {__version__}"


def test_init_writes_config_and_example(cli: Callable, tmp_path: Path) -> None:
    target = tmp_path / "fresh"
    result = cli("init", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "routes.toml").exists() and (target / "tasks" / "example.md").exists()
    again = cli("init", str(target))
    assert "exists" in again.output  # never overwrites without --force


def test_models_shows_availability_and_why_not(cli: Callable) -> None:
    result = cli("models", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["tier"]: row for row in json.loads(result.output)}
    assert rows["local"]["available"] is True
    assert rows["premium"]["available"] is False
    assert "ANTHROPIC_API_KEY" in rows["premium"]["reason"]


def test_ask_logs_one_call_and_ledger_commands_show_it(cli: Callable, fake_local: Path) -> None:
    # The ledger commands are under test, not inference: the fake provider answers.
    result = cli("ask", "Say hi.", "--tier", "local", "--max-tokens", "8", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["tier"] == "local" and answer["text"] == "fake: Say hi."
    assert answer["output_tokens"] <= 8 and answer["cost_usd"] > 0


@pytest.mark.model
def test_ask_on_the_embedded_model(cli: Callable, write_config: Callable) -> None:
    write_config(LOCAL_ONLY)
    result = cli("ask", "Say hi.", "--tier", "local", "--max-tokens", "8", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["tier"] == "local" and 0 < answer["output_tokens"] <= 8 and answer["cost_usd"] > 0

    listed = cli("ledger", "list", "--json")
    assert json.loads(listed.output.splitlines()[0])["id"] == answer["call_id"]
    shown = json.loads(cli("ledger", "show", answer["call_id"]).output)
    assert shown["response_text"] == answer["text"]
    exported = cli("ledger", "export", "--format", "jsonl").output.splitlines()
    assert len(exported) == 1 and json.loads(exported[0])["id"] == answer["call_id"]
    csv_rows = list(csv.DictReader(io.StringIO(cli("ledger", "export", "--format", "csv").output)))
    assert len(csv_rows) == 1 and csv_rows[0]["id"] == answer["call_id"]
    stats = json.loads(cli("ledger", "stats", "--json").output)
    assert stats["calls"] == 1 and stats["by_tier"]["local"]["calls"] == 1


def test_ask_unknown_tier_is_one_line(cli: Callable) -> None:
    result = cli("ask", "x", "--tier", "nope")
    assert result.exit_code == 2
    assert result.output.strip() == "error: unknown tier 'nope'; configured tiers: local, premium"


def test_ask_unavailable_tier_names_the_env_var(cli: Callable) -> None:
    result = cli("ask", "x", "--tier", "premium")
    assert result.exit_code == 1
    assert "ANTHROPIC_API_KEY" in result.output and "Traceback" not in result.output


def test_ledger_show_missing_id(cli: Callable) -> None:
    result = cli("ledger", "show", "NOPE")
    assert result.exit_code == 2 and "no call with id 'NOPE'" in result.output


def test_ledger_path(cli: Callable, isolated_home: Path) -> None:
    assert cli("ledger", "path").output.strip() == str(isolated_home / ".agentrunner" / "ledger.db")


def test_bad_schema_file_is_one_line(cli: Callable, tmp_path: Path) -> None:
    bad = tmp_path / "schema.json"
    bad.write_text("{nope", "utf-8")
    result = cli("ask", "x", "--tier", "local", "--schema", str(bad))
    assert result.exit_code == 2 and result.output.startswith(f"error: {bad}: cannot read JSON schema")


def test_ledger_list_filters_by_since_and_until(cli: Callable) -> None:
    from agentrunner.config import load_config
    from agentrunner.ledger import Ledger

    ledger = Ledger.for_config(load_config())
    for call_id, ts in (("OLD", "2026-01-01T10:00:00.000000Z"), ("MID", "2026-02-01T10:00:00.000000Z")):
        ledger.record_call({"id": call_id, "ts_start": ts, "model": "m", "status": "ok", "source": "agentrunner"})
    ledger.record_call({"id": "NEW", "model": "m", "status": "ok", "source": "agentrunner"})  # now
    ledger.close()

    def listed(*args: str) -> list[str]:
        result = cli("ledger", "list", "--json", *args)
        assert result.exit_code == 0, result.output
        return [json.loads(line)["id"] for line in result.output.splitlines()]

    assert listed() == ["NEW", "MID", "OLD"]
    assert listed("--since", "1h") == ["NEW"]
    assert listed("--since", "2026-01-15", "--until", "2026-02-02T00:00Z") == ["MID"]
    assert listed("--until", "1.5d") == ["MID", "OLD"]
    bad = cli("ledger", "list", "--since", "soon")
    assert bad.exit_code == 2 and bad.output.count("\n") == 1 and "--since 'soon'" in bad.output


def test_run_progress_bar_lives_in_the_cli_and_prints_item_lines() -> None:
    from agentrunner.cli._progress import BarProgress

    terminal = io.StringIO()
    bar = BarProgress(quiet=False, stream=terminal, tty=True)
    bar.titles["i1"] = "Summarise CHANGELOG.md"
    bar.start(1)
    assert bar._bar is not None  # the rich bar runs while items do
    bar.item_started("i1", 1, 1)
    bar.event("i1", "act(local)")
    bar.item_finished("i1", True, 0.0001, "local 1")
    bar.close()
    assert "[1/1] Summarise CHANGELOG.md" in terminal.getvalue() and "$0.0001" in terminal.getvalue()
    import agentrunner.runner

    assert "rich" not in Path(agentrunner.runner.__file__).read_text("utf-8")
