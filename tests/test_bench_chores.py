"""scripts/bench_chores.py: the chores format, the bookkeeping (ticked, damaged), and every chore's check.

No model runs here: the format test drives the real `agentrunner run --dry-run` (plans and routes,
no call); the bookkeeping tests use real git copies with real file changes; the chore tests apply
each chore's hand solution (`solution.patch` or an executable `solve`) and run its check both ways,
and some chores' `wrong.patch` (a plausible wrong or damaging solution) that their check must reject.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "bench_chores.py"
CHORES = REPO / "benchmarks" / "chores"
# The held-out suite (another project, chores written without looking at the agent): its cases are
# named heldout-NAME, so `-k heldout` runs them alone.
HELDOUT = REPO / "benchmarks" / "chores-heldout"
# The later held-out suites (chores-heldout2: project meteo, and any chores-heldoutN added since, N ≥ 10 too, each
# written blind): cases heldoutN-NAME, all slow (none runs in CI). A new suite needs no edit here.
LATER_HELDOUTS = sorted(
    path for path in (REPO / "benchmarks").glob("chores-heldout*") if path.is_dir() and path.name != HELDOUT.name
)
HELDOUT2 = REPO / "benchmarks" / "chores-heldout2"

_spec = importlib.util.spec_from_file_location("bench_chores", SCRIPT)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_chores"] = bench
_spec.loader.exec_module(bench)

# A few chores of different kinds whose checks run in CI; the rest run with -m slow.
FAST_CHORES = {"bump-version", "fix-failing-test", "csv-to-markdown", "gitignore", "rename-parse-row"}
FAST_HELDOUT = {"version-minor-bump", "fix-week-number", "python-gitignore"}


def _executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def mini_suite(tmp_path: Path) -> Path:
    """Two chores on a one-file project, plus a folder that is not a chore."""
    suite = tmp_path / "suite"
    (suite / "project").mkdir(parents=True)
    (suite / "project" / "notes.txt").write_text("hello\n", encoding="utf-8")
    planted = suite / "planted"
    planted.mkdir()
    (planted / "item.md").write_text("- [ ] Say goodbye in `notes.txt`\n  context line\n", encoding="utf-8")
    _executable(planted / "setup", "#!/bin/sh\necho planted > planted.txt\n")
    # Passes without any run: proves setup ran in the copy before the check.
    _executable(planted / "check", "#!/bin/sh\ntest -f planted.txt && grep -q hello notes.txt\n")
    goodbye = suite / "goodbye"
    goodbye.mkdir()
    (goodbye / "item.md").write_text("- [ ] Replace hello with goodbye in `notes.txt`\n", encoding="utf-8")
    _executable(goodbye / "check", "#!/bin/sh\necho 'FAIL: notes.txt still says hello'\ngrep -q goodbye notes.txt\n")
    (suite / "_lib").mkdir()  # no item.md: not a chore
    return suite


def _run_script(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_dry_run_of_a_two_chore_suite_reports_each_chore_and_totals(mini_suite: Path, isolated_home: Path) -> None:
    config = str(isolated_home / "routes.toml")
    result = _run_script("--chores", str(mini_suite), "--config", config, "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    by_name = {chore["name"]: chore for chore in report["chores"]}
    assert sorted(by_name) == ["goodbye", "planted"]
    assert by_name["planted"]["check_passed"] is True
    assert by_name["goodbye"]["check_passed"] is False
    assert by_name["goodbye"]["check_output"].startswith("FAIL: notes.txt still says hello")
    for chore in by_name.values():
        assert chore["ticked"] is False
        assert chore["changed"] == [] and chore["damaged"] == []  # a dry run writes nothing
        assert chore["error"] is None and chore["exit_code"] == 0
    totals = report["totals"]
    assert (totals["chores"], totals["correct"], totals["correct_rate"]) == (2, 1, 0.5)
    assert (totals["ticked_but_wrong"], totals["damaged_chores"]) == (0, 0)

    saved = isolated_home / "report.json"
    saved.write_text(result.stdout, encoding="utf-8")
    markdown = _run_script("--from-json", str(saved), "--markdown")
    assert markdown.returncode == 0, markdown.stderr
    lines = markdown.stdout.splitlines()
    assert lines[0] == "| chore | ticked | check | damaged | calls | cost | wall |"
    assert lines[2].startswith("| goodbye | no | FAIL | - |")
    assert lines[-1].startswith("correct 1/2 (50%)")
    # The stderr of a run has each finished chore as one JSON line: a run cut short keeps them.
    progress = isolated_home / "progress.txt"
    progress.write_text(result.stderr, encoding="utf-8")
    partial = _run_script("--from-json", str(progress))
    assert partial.returncode == 0, partial.stderr
    assert partial.stdout.splitlines()[-1].startswith("correct 1/2 (50%)")


def test_table_output_and_only(mini_suite: Path, isolated_home: Path) -> None:
    result = _run_script(
        "--chores", str(mini_suite), "--config", str(isolated_home / "routes.toml"), "--dry-run", "--only", "goodbye"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["chore", "ticked", "check"]
    assert lines[1].split()[:3] == ["goodbye", "no", "FAIL"]
    assert "FAIL: notes.txt still says hello" in lines[2]
    assert lines[-1].startswith("correct 0/1 (0%)")
    assert "planted" not in result.stdout


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("unknown-only", "--only: no chore named nope"),
        ("no-check", "goodbye/check: missing"),
        ("not-executable", "goodbye/check: not executable"),
        ("no-open-item", "goodbye/item.md: no open '- [ ]' item"),
        ("no-project", "the project folder does not exist"),
    ],
)
def test_bad_suites_are_one_line_exit_2(mini_suite: Path, isolated_home: Path, breakage: str, message: str) -> None:
    args = ["--chores", str(mini_suite), "--config", str(isolated_home / "routes.toml"), "--dry-run"]
    if breakage == "unknown-only":
        args += ["--only", "nope"]
    elif breakage == "no-check":
        (mini_suite / "goodbye" / "check").unlink()
    elif breakage == "not-executable":
        (mini_suite / "goodbye" / "check").chmod(0o644)
    elif breakage == "no-open-item":
        (mini_suite / "goodbye" / "item.md").write_text("- [x] done already\n", encoding="utf-8")
    elif breakage == "no-project":
        args += ["--project", str(mini_suite / "missing")]
    result = _run_script(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_is_ticked() -> None:
    assert bench.is_ticked("# x\n\n- [x] Bump the version ✅ 2026-11-30\n  - → [result](done/x.md)\n")
    assert not bench.is_ticked("- [ ] Bump the version\n  - ⚠ failed (attempt 1/3): files: not written\n")
    assert not bench.is_ticked("- [x] one\n- [ ] two\n")
    assert not bench.is_ticked("no items at all\n")


def test_damage_is_every_change_of_an_unticked_item_and_nothing_of_a_ticked_one(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "a.py").write_text("A = 1\n", encoding="utf-8")
    (project / "pkg" / "b.py").write_text("B = 2\n", encoding="utf-8")
    (project / "pkg" / "__pycache__").mkdir()
    (project / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    chore = bench.Chore("c", tmp_path / "chore")
    copy = tmp_path / "copy"
    bench.prepare_copy(project, chore, copy)
    assert not (copy / "pkg" / "__pycache__").exists()  # caches are not copied
    (copy / "tasks").mkdir()
    (copy / "tasks" / "todo.md").write_text("- [ ] do it\n", encoding="utf-8")
    (copy / "tasks" / "done").mkdir()
    (copy / "tasks" / "done" / "result.md").write_text("runner output\n", encoding="utf-8")
    (copy / "pkg" / "__pycache__").mkdir()
    (copy / "pkg" / "__pycache__" / "b.cpython-311.pyc").write_bytes(b"\0")
    result = bench.ChoreResult("c")
    bench.assess(result, copy)
    assert (result.ticked, result.changed, result.damaged) == (False, [], [])

    (copy / "pkg" / "a.py").write_text("A = 1 \n", encoding="utf-8")  # one byte
    (copy / "pkg" / "b.py").unlink()
    (copy / "junk.txt").write_text("...\n", encoding="utf-8")
    bench.assess(result, copy)
    assert result.changed == ["junk.txt", "pkg/a.py", "pkg/b.py"]
    assert result.damaged == result.changed

    (copy / "tasks" / "todo.md").write_text("- [x] do it ✅ 2026-11-30\n", encoding="utf-8")
    bench.assess(result, copy)
    assert result.ticked and result.damaged == [] and len(result.changed) == 3


def test_a_draft_left_for_review_is_checked_with_its_diff_applied(tmp_path: Path) -> None:
    """A local tier's prose is not ticked, its draft waits in tasks/review/: the benchmark applies the
    draft's diff on a second copy and runs the check, so a run says how many drafts were right."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "notes.txt").write_text("hello\n", encoding="utf-8")
    chore_dir = tmp_path / "chore"
    chore_dir.mkdir()
    _executable(chore_dir / "check", "#!/bin/sh\ngrep -q goodbye notes.txt && test -f docs/page.md\n")
    chore = bench.Chore("c", chore_dir)
    copy = tmp_path / "copy"
    bench.prepare_copy(project, chore, copy)
    draft = copy / "tasks" / "review" / "2026-12-04" / "say-goodbye.md"
    draft.parent.mkdir(parents=True)
    right = (
        "> Draft, not applied: …\n\n## Changes\n\n### `notes.txt`\n\n```diff\n--- a/notes.txt\n+++ b/notes.txt\n"
        "@@ -1 +1 @@\n-hello\n+goodbye\n```\n\n### `docs/page.md`\n\n````diff\n--- /dev/null\n+++ b/docs/page.md\n"
        "@@ -0,0 +1,2 @@\n+# Page\n+```\n````\n"
    )
    draft.write_text(right, encoding="utf-8")
    assert bench.review_draft(copy) == draft
    assert bench.check_draft(chore, copy, draft) == (True, "")
    assert (copy / "notes.txt").read_text(encoding="utf-8") == "hello\n"  # the run's copy as it was
    assert not (tmp_path / "draft-applied").exists()
    draft.write_text(right.replace("+goodbye", "+good day"), encoding="utf-8")
    assert bench.check_draft(chore, copy, draft)[0] is False
    draft.write_text("> Draft, not applied: …\n\nno diff at all\n", encoding="utf-8")
    passed, why = bench.check_draft(chore, copy, draft)
    assert not passed and "does not apply" in why
    results = [bench.ChoreResult("a", review=True, review_passed=True), bench.ChoreResult("b")]
    table = bench.format_table(results, bench.totals(results))
    assert "left for review 1 (drafts right 1)" in table and "the draft passes the check" in table
    assert "left for review" not in bench.format_table([], bench.totals([bench.ChoreResult("b")]))


def test_chore_config_points_the_workspace_at_the_copy(tmp_path: Path) -> None:
    config = tmp_path / "configs" / "c.toml"
    config.parent.mkdir()
    config.write_text(
        '# comment\n[tiers.local]\nprovider = "llama-cpp"\nmodel = "m"\nmodel_path = "../models/m.gguf"\n'
        '[agent]\nworkspace = "."\nmax_steps = 3\n',
        encoding="utf-8",
    )
    derived = bench.chore_config(config, tmp_path / "copy", tmp_path / "derived.toml")
    from agentrunner.config import load_config

    loaded = load_config(derived)
    assert loaded.workspace == (tmp_path / "copy").resolve()
    assert loaded.tasks_dir == (tmp_path / "copy" / "tasks").resolve()
    assert loaded.agent.max_steps == 3
    assert loaded.tiers["local"].model_path == str((tmp_path / "models" / "m.gguf").resolve())


# -- the chores themselves ---------------------------------------------------------------------


def _params(chores: list[bench.Chore]) -> list[object]:
    params = []
    for chore in chores:
        heldout = chore.folder.parent == HELDOUT
        later = chore.folder.parent in LATER_HELDOUTS
        fast = chore.name in (FAST_HELDOUT if heldout else FAST_CHORES) and not later
        name = f"heldout-{chore.name}" if heldout else chore.name
        if later:
            name = f"{chore.folder.parent.name.removeprefix('chores-')}-{chore.name}"
        params.append(pytest.param(chore, id=name, marks=() if fast else pytest.mark.slow))
    return params


def _all_chores() -> list[bench.Chore]:
    chores = [*bench.find_chores(CHORES), *bench.find_chores(HELDOUT)]
    for suite in LATER_HELDOUTS:
        chores.extend(bench.find_chores(suite))
    return chores


def _chore_params() -> list[object]:
    return _params(_all_chores())


def test_the_suite_has_at_least_30_chores_each_with_a_hand_solution() -> None:
    chores = bench.find_chores(CHORES)
    assert len(chores) >= 30
    for chore in chores:
        assert (chore.folder / "solution.patch").is_file() or (chore.folder / "solve").is_file(), chore.name
    assert {chore.name for chore in chores} >= FAST_CHORES


def test_the_heldout_suite_has_10_chores_each_with_a_hand_solution_and_a_wrong_one() -> None:
    chores = bench.find_chores(HELDOUT)
    assert len(chores) == 10
    for chore in chores:
        assert (chore.folder / "solution.patch").is_file() and (chore.folder / "wrong.patch").is_file(), chore.name
    assert {chore.name for chore in chores} >= FAST_HELDOUT


def test_the_heldout2_suite_has_12_chores() -> None:
    assert len(bench.find_chores(HELDOUT2)) == 12


@pytest.mark.parametrize("suite", LATER_HELDOUTS, ids=[path.name for path in LATER_HELDOUTS])
def test_a_later_heldout_suite_has_10_chores_or_more_each_with_a_hand_solution_and_a_wrong_one(suite: Path) -> None:
    chores = bench.find_chores(suite)
    assert len(chores) >= 10
    for chore in chores:
        assert (chore.folder / "solution.patch").is_file() and (chore.folder / "wrong.patch").is_file(), chore.name


SUITES = [CHORES, HELDOUT, *LATER_HELDOUTS]


@pytest.mark.parametrize("suite", SUITES, ids=[path.name.removeprefix("chores-") for path in SUITES])
def test_the_project_tests_pass(suite: Path, tmp_path: Path) -> None:
    copy = tmp_path / "project"
    bench.prepare_copy(suite / "project", bench.Chore("none", tmp_path / "none"), copy)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=copy, capture_output=True, text=True, env=bench.tool_env(), timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert " passed" in result.stdout


def _solve(chore: bench.Chore, copy: Path) -> None:
    patch = chore.folder / "solution.patch"
    if patch.is_file():
        subprocess.run(["git", "apply", "--whitespace=nowarn", str(patch)], cwd=copy, check=True)
    else:
        subprocess.run([str(chore.folder / "solve")], cwd=copy, env=bench.tool_env(), check=True)


@pytest.mark.parametrize("chore", _chore_params())
def test_check_fails_untouched_and_passes_on_the_hand_solution(chore: bench.Chore, tmp_path: Path) -> None:
    untouched = tmp_path / "untouched"
    bench.prepare_copy(chore.folder.parent / "project", chore, untouched)
    passed, output = bench.run_check(chore, untouched)
    assert not passed, f"{chore.name}: the check passes on the untouched project"
    assert output.strip().splitlines()[-1].startswith("FAIL:"), output

    solved = tmp_path / "solved"
    bench.prepare_copy(chore.folder.parent / "project", chore, solved)
    _solve(chore, solved)
    passed, output = bench.run_check(chore, solved)
    assert passed, f"{chore.name}: the check fails on the hand solution: {output}"


def _wrong_params() -> list[object]:
    return _params([chore for chore in _all_chores() if (chore.folder / "wrong.patch").is_file()])


@pytest.mark.parametrize("chore", _wrong_params())
def test_check_rejects_a_wrong_solution(chore: bench.Chore, tmp_path: Path) -> None:
    copy = tmp_path / "wrong"
    bench.prepare_copy(chore.folder.parent / "project", chore, copy)
    subprocess.run(["git", "apply", "--whitespace=nowarn", str(chore.folder / "wrong.patch")], cwd=copy, check=True)
    passed, output = bench.run_check(chore, copy)
    assert not passed, f"{chore.name}: the check accepts wrong.patch"
    assert output.strip().splitlines()[-1].startswith("FAIL:"), output


def test_a_run_killed_at_the_timeout_is_counted_from_its_ledger(tmp_path: Path) -> None:
    from agentrunner.ledger import Ledger

    path = tmp_path / "ledger.db"
    Ledger(path).close()  # the real schema, by its migrations
    with sqlite3.connect(path) as db:
        for tier, cost in (("coder", 0.004), ("coder", None), ("local", 0.001)):
            db.execute("INSERT INTO calls (id, tier, cost_usd) VALUES (?, ?, ?)", (f"{tier}{cost}", tier, cost))
    assert bench.ledger_spend(path) == ({"coder": 2, "local": 1}, 0.005)
    assert bench.ledger_spend(tmp_path / "missing.db") == ({}, 0.0)


def test_the_benchmark_stopped_from_outside_stops_the_run_it_started(mini_suite: Path, isolated_home: Path) -> None:
    """Session 7: a CPU-queue time limit SIGTERMed bench_chores while a chore ran; the run (its own
    session, so that a timeout stops its group) went on as an orphan with the model loaded, taking
    the cores of the next benchmark. A tier whose server accepts and never answers holds the run in
    its call; the benchmark is then stopped, and nothing of the run may be left."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    config = isolated_home / "hanging.toml"
    config.write_text(
        f'[tiers.remote]\nprovider = "openai"\nmodel = "m"\nbase_url = "{url}/v1"\nmax_retries = 0\ntimeout = 600\n'
        'price = { input_per_mtok = 1.0, output_per_mtok = 2.0 }\n',
        "utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    bench_process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--chores", str(mini_suite), "--config", str(config), "--only", "goodbye"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        server.settimeout(180)
        connection, _ = server.accept()  # the run is in its model call now
        runs = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _is_run_of(p, mini_suite)]
        assert runs, "the chore's agentrunner run was not found"
        bench_process.send_signal(signal.SIGTERM)
        assert bench_process.wait(timeout=120) != 0
        # the benchmark waits for its run to end before it exits (left alone, the run would die
        # only at its next write to the closed pipe: after minutes of inference in a real run)
        assert not [run.name for run in runs if _alive(run)], "the run outlived the benchmark"
        connection.close()
    finally:
        bench_process.kill()
        server.close()


def _is_run_of(proc: Path, suite: Path) -> bool:
    try:
        command = (proc / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"agentrunner" in command and b"run" in command and any(b"chore-goodbye" in part for part in command)


def _alive(proc: Path) -> bool:
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_the_benchmark_refuses_to_run_without_pytest(
    mini_suite: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without pytest the agent runs no test and the checks that run pytest fail: the figures would
    measure the set-up (a heldout run on a venv without the dev extras got 1 of 8 right)."""
    real = bench.importlib.util.find_spec
    monkeypatch.setattr(
        bench.importlib.util, "find_spec", lambda name, *a: None if name == "pytest" else real(name, *a)
    )
    assert bench.main(["--chores", str(mini_suite), "--config", str(REPO / "routes.toml")]) == 2
    assert "pytest is not installed" in capsys.readouterr().err
