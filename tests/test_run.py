"""``agentrunner run`` end to end: the embedded model ticking real items, the lock, budgets,
kill -9 and SIGTERM with resume, a provider that always fails, --dry-run, --jobs, status."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentrunner.ledger import Ledger
from tests.support.scripted_http import Reply, ScriptedServer, free_port

LOCAL = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
max_tokens = 64
cost_per_hour = 0.05

[tiers.premium]                 # no ANTHROPIC_API_KEY in tests: unavailable, but priced for the estimate
provider = "anthropic"
model = "claude-sonnet-4-5"
api_key_env = "ANTHROPIC_API_KEY"

[agent]
workspace = "."
tasks_dir = "tasks"
"""

CLASSIFY = "- [ ] Classify the severity of `in/bug.md` as low, medium, high or critical into `out/severity.json`\n"
TABLE = "- [ ] Reformat `in/deps.csv` as a markdown table in `out/deps.md`\n"
NOTES = "- [ ] Fill the release template `in/template.md` from `in/CHANGELOG.md` into `out/notes.md`\n"
TODO_HEAD = "# Sprint 48 📅 2026-11-30\n\nNotes the agent must keep.\n\n"


@pytest.fixture
def project(isolated_home: Path, write_config: Callable[[str], Path]) -> Path:
    write_config(LOCAL)
    inputs = isolated_home / "in"
    inputs.mkdir()
    (inputs / "bug.md").write_text("The app crashes on startup for every user. No workaround.\n", "utf-8")
    (inputs / "deps.csv").write_text("package,version\nhttpx,0.27.0\nrich,13.7.1\n", "utf-8")
    (inputs / "template.md").write_text("# {{version}} ({{date}})\n\n{{changes}}\n", "utf-8")
    (inputs / "CHANGELOG.md").write_text(
        "## 2.0.0 - 2026-11-01\n- Faster startup\n- Smaller wheels\n- Added a flag\n", "utf-8"
    )
    (isolated_home / "tasks").mkdir()
    return isolated_home


def todo(project: Path, *items: str, name: str = "sprint.md") -> Path:
    path = project / "tasks" / name
    path.write_text(TODO_HEAD + "".join(items), "utf-8")
    return path


def ledger_rows(project: Path, where: str = "1") -> list[dict[str, Any]]:
    path = project / ".agentrunner" / "ledger.db"
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(f"SELECT * FROM calls WHERE {where} ORDER BY ts_start")]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def spawn_run(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "agentrunner", "run", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


def wait_for_ok_calls(project: Path, count: int, process: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(ledger_rows(project, "status = 'ok'")) >= count:
            return
        if process.poll() is not None:
            raise AssertionError(f"run ended early: {process.communicate()}")
        time.sleep(0.02)
    raise AssertionError("no model call finished in time")


def assert_no_call_paid_twice(project: Path) -> None:
    seen: dict[tuple[str, str], int] = {}
    for row in ledger_rows(project, "status = 'ok'"):
        key = (row["request_hash"], row["step_id"])
        seen[key] = seen.get(key, 0) + 1
    assert seen and max(seen.values()) == 1, seen


DONE_LINE = re.compile(
    r"^- \[x\] .+ ✅ \d{4}-\d{2}-\d{2}\n  - → \[result\]\(done/\d{4}-\d{2}-\d{2}/[a-z0-9-]+\.md\) · \d+ calls · "
    r"\$\d+\.\d{4} · local \d+$",
    re.M,
)


@pytest.mark.model
def test_run_ticks_items_with_the_embedded_model(project: Path, cli: Callable[..., Any]) -> None:
    path = todo(project, CLASSIFY, TABLE)
    before = path.read_text("utf-8")
    result = cli("run", "--json", "--jobs", "2")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["done"] == 2 and summary["failed"] == 0 and summary["calls_by_tier"] == {"local": 2}
    assert summary["cost_usd"] > 0 and summary["premium_estimate_usd"] > summary["cost_usd"]
    assert 0 < summary["saving_pct"] < 100
    text = path.read_text("utf-8")
    assert text.startswith(TODO_HEAD) and len(DONE_LINE.findall(text)) == 2, text
    assert text.count("\n") == before.count("\n") + 2
    assert json.loads((project / "out" / "severity.json").read_text("utf-8"))["severity"] in (
        "low",
        "medium",
        "high",
        "critical",
    )
    assert (project / "out" / "deps.md").read_text("utf-8").startswith("| package | version |")
    links = re.findall(r"\]\((done/[^)]+)\)", text)
    assert all((project / "tasks" / link).is_file() for link in links)
    state = sqlite3.connect(project / ".agentrunner" / "state.db")
    assert state.execute("SELECT count(*) FROM checkpoints").fetchone()[0] == 0  # spent once ticked
    state.close()
    status = cli("status", "--json")
    totals = json.loads(status.output)["totals"]
    assert totals["done"] == 2 and totals["pending"] == 0 and totals["cost_usd"] > 0
    # nothing left: a second run does nothing and says so with exit 0
    again = cli("run", "--json")
    assert again.exit_code == 0 and json.loads(again.output.strip().splitlines()[-1])["selected"] == 0


def test_second_run_exits_75_while_the_lock_is_held(project: Path, cli: Callable[..., Any]) -> None:
    todo(project, CLASSIFY)
    lock = project / ".agentrunner" / "run.lock"
    lock.parent.mkdir(exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"f = open({str(lock)!r}, 'a+'); fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
            "f.write('4242'); f.flush(); print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        result = cli("run")
        assert result.exit_code == 75, result.output
        assert "another agentrunner run holds" in result.output and len(result.output.strip().splitlines()) == 1
        assert time.monotonic() - started < 45  # at once, not after the holder's 60 s (loaded: not 10)
    finally:
        holder.kill()
        holder.wait()
    assert ledger_rows(project) == []


def test_budget_stop_exits_3_and_the_next_run_resumes(
    project: Path, cli: Callable[..., Any], fake_local: Path, write_config: Callable[[str], Path]
) -> None:
    write_config(LOCAL.replace('provider = "llama-cpp"', 'provider = "fake"'))  # budgets, not inference
    path = todo(project, CLASSIFY)
    before = path.read_bytes()
    stopped = cli("run", "--max-cost", "0.0000001", "--json")
    assert stopped.exit_code == 3, stopped.output
    summary = json.loads(stopped.output.strip().splitlines()[-1])
    assert summary["stopped"] == "budget" and summary["items"][0]["status"] == "pending"
    assert path.read_bytes() == before and ledger_rows(project) == []
    assert json.loads(cli("status", "--json").output)["totals"]["pending"] == 1
    resumed = cli("run", "--json")
    assert resumed.exit_code == 0, resumed.output
    assert DONE_LINE.search(path.read_text("utf-8"))


@pytest.mark.model
def test_kill_9_mid_item_then_rerun_pays_no_call_twice(project: Path, cli: Callable[..., Any]) -> None:
    """The release-notes item makes two model calls in one act node. SIGKILL after the first has
    finished; the rerun resumes the graph at that node, the finished call is answered from the
    ledger, and no (request, step) is paid twice."""
    path = todo(project, NOTES)
    process = spawn_run()
    wait_for_ok_calls(project, 1, process)
    process.kill()
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert "- [ ] Fill" in path.read_text("utf-8")
    paid_before = len(ledger_rows(project, "status = 'ok'"))
    assert paid_before == 1
    result = cli("run", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["done"] == 1 and summary["reused_calls"] >= 1
    assert len(ledger_rows(project, "status = 'ok'")) == 2
    assert_no_call_paid_twice(project)
    notes = (project / "out" / "notes.md").read_text("utf-8")
    assert notes.startswith("# 2.0.0 (2026-11-01)") and "- Faster startup" in notes and "- Smaller wheels" in notes
    assert "- Added a flag" in notes.split("### Added")[1].split("###")[0]  # by its verb, no model
    assert DONE_LINE.search(path.read_text("utf-8"))


@pytest.mark.model
def test_sigterm_saves_and_exits_130_then_resumes(project: Path, cli: Callable[..., Any]) -> None:
    path = todo(project, NOTES)
    process = spawn_run()
    wait_for_ok_calls(project, 1, process)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert "interrupted" in out + err
    text = path.read_text("utf-8")
    assert "⚠" not in text  # an interrupt is not a failure
    result = cli("run", "--json")
    assert result.exit_code == 0, result.output
    assert len(DONE_LINE.findall(path.read_text("utf-8"))) == 1
    assert_no_call_paid_twice(project)


def test_always_failing_provider_fails_annotates_and_loses_nothing(
    project: Path, write_config: Callable[[str], Path], cli: Callable[..., Any]
) -> None:
    with ScriptedServer(
        {
            "/v1/models": Reply(200, {"object": "list", "data": []}),
            "/v1/chat/completions": Reply(500, {"error": "down"}),
        }
    ) as server:
        write_config(
            f'[tiers.remote]\nprovider = "openai"\nmodel = "m"\nbase_url = "{server.url}/v1"\nmax_retries = 0\n'
            "price = { input_per_mtok = 1.0, output_per_mtok = 2.0 }\n"
        )
        path = todo(project, CLASSIFY, "  context under the item\n", TABLE)
        original = path.read_text("utf-8")
        for attempt in (1, 2, 3):
            result = cli("run")
            assert result.exit_code == 1, result.output
            text = path.read_text("utf-8")
            assert text.count("⚠ failed") == 2 and text.count(f"(attempt {attempt}/3)") == 2
            assert "- [x]" not in text
            # nothing lost: removing our annotations gives back the user's file
            assert re.sub(r"  - ⚠ failed[^\n]*\n", "", text) == original
        # attempts used up: the items are skipped, the run has nothing to do
        skipped = cli("run", "--json")
        assert skipped.exit_code == 0 and json.loads(skipped.output.strip().splitlines()[-1])["skipped"] == 2
    assert {row["status"] for row in ledger_rows(project)} == {"error"}
    # a tier whose server does not answer at all is unavailable: the item fails, but that is not the
    # item's fault, so it uses up no attempt — three bad nights in a row never skip it for good
    write_config(f'[tiers.gone]\nprovider = "openai"\nmodel = "m"\nbase_url = "http://127.0.0.1:{free_port()}/v1"\n')
    path2 = todo(project, "- [ ] Classify the mood of `in/bug.md` as good or bad into `out/mood.json`\n", name="b.md")
    for _night in range(4):
        result = cli("run", str(path2))
        assert result.exit_code == 1, result.output
        text = path2.read_text("utf-8")
        assert text.count("⚠ failed (not counted as an attempt)") == 1 and "no tier can take this step" in text
    files = json.loads(cli("status", "--json").output)["files"]
    entry = next(counts for name, counts in files.items() if name.endswith("b.md"))
    assert entry["pending"] == 1 and entry["skipped"] == 0 and entry["failed"] == 0


def test_dry_run_plans_and_routes_without_calls(project: Path, cli: Callable[..., Any]) -> None:
    path = todo(project, CLASSIFY, "- [ ] Write a haiku about CI into `out/haiku.md` #local\n")
    before = path.read_bytes()
    result = cli("run", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert [item["status"] for item in summary["items"]] == ["planned", "planned"]
    assert summary["items"][0]["routes"][0].startswith("classify(local) ≤ $")
    assert summary["dry_run"] and summary["estimate_usd"] > 0
    assert path.read_bytes() == before and ledger_rows(project) == []
    assert not (project / "out").exists()


def test_usage_errors_exit_2(project: Path, cli: Callable[..., Any]) -> None:
    missing = cli("run", "tasks/nope.md")
    assert missing.exit_code == 2 and "no such to-do file" in missing.output
    assert cli("run", "--jobs", "0").exit_code == 2


def test_ledger_run_row_records_exit_code(project: Path, cli: Callable[..., Any]) -> None:
    todo(project)  # no items
    result = cli("run", "--json")
    assert result.exit_code == 0
    summary = json.loads(result.output.strip().splitlines()[-1])
    ledger = Ledger(project / ".agentrunner" / "ledger.db")
    row = next(ledger.db["runs"].rows_where("id = ?", [summary["run_id"]]))
    assert row["exit_code"] == 0 and json.loads(row["totals"])["selected"] == 0


def test_item_cost_cap_fails_only_that_item_and_counts_attempts(project: Path, cli: Callable[..., Any]) -> None:
    path = todo(project, CLASSIFY.replace("`out/severity.json`", "`out/severity.json` ~$0.0000001"))
    for attempt in (1, 2):
        result = cli("run", "--json")
        assert result.exit_code == 1, result.output
        text = path.read_text("utf-8")
        assert f"⚠ failed (attempt {attempt}/3): budget exhausted" in text and text.count("⚠") == 1
    assert ledger_rows(project) == []


def test_warning_at_80_percent_of_a_budget_cap(
    project: Path, write_config: Callable[[str], Path], cli: Callable[..., Any]
) -> None:
    write_config(LOCAL + "\n[budgets]\ndaily_usd = 1.0\n")
    from agentrunner.ledger import CallRecord, utcnow

    ledger = Ledger(project / ".agentrunner" / "ledger.db")
    ledger.record_call(CallRecord(ts_end=utcnow(), tier="local", model="m", cost_usd=0.85, status="ok"))
    ledger.close()
    todo(project)
    result = cli("run", "--json")
    assert result.exit_code == 0
    warnings = json.loads(result.output.strip().splitlines()[-1])["warnings"]
    assert any(w.startswith("budget daily: $0.8500 of $1.00") for w in warnings), warnings
    plain = cli("run")
    assert "warning: budget daily" in plain.output


def test_progress_lines_on_a_terminal_and_in_logs() -> None:
    import io

    from agentrunner.runner import Progress

    terminal = io.StringIO()
    progress = Progress(quiet=False, stream=terminal, tty=True)
    progress.titles["i1"] = "Classify the severity of `examples/bug-report.md` as low or high"
    progress.item_started("i1", 1, 3)
    for message in ("plan: classify recipe, 1 step(s)", "act(local) write_file", "verify ✓", "summarise → x.md"):
        progress.event("i1", message)
    progress.item_finished("i1", True, 0.0001, "local 1")
    assert terminal.getvalue() == (
        "[1/3] Classify the severity of `examples/bug-repo… "
        "plan(classify) → act(local) write_file → verify ✓  $0.0001\n"
    )
    log = io.StringIO()
    plain = Progress(quiet=False, stream=log, tty=False)
    plain.titles["i1"] = "Fix it"
    plain.item_started("i1", 2, 3)
    plain.item_finished("i1", False, 0.0, "files: not written: a.md")
    lines = log.getvalue().splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[2/3\] Fix it", lines[0])
    assert lines[1].endswith("  failed ✗ files: not written: a.md")
    quiet = io.StringIO()
    Progress(quiet=True, stream=quiet, tty=False).log("x")
    assert quiet.getvalue() == ""


def test_missing_input_file_fails_with_the_reason(project: Path, cli: Callable[..., Any]) -> None:
    path = todo(project, CLASSIFY.replace("in/bug.md", "in/missing.md"))
    result = cli("run")
    assert result.exit_code == 1
    assert "⚠ failed (attempt 1/3): act: cannot read in/missing.md: in/missing.md: no such file" in path.read_text(
        "utf-8"
    )
    assert ledger_rows(project) == []  # nothing to ask a model about
