"""Benchmark: does the agent do real engineering chores right, and does it leave the repo alone when not?

A chores folder holds one folder per chore (any folder with an ``item.md``; others are ignored):

- ``item.md``: the to-do item (a ``- [ ]`` line and optional indented context lines);
- ``setup`` (optional, executable): run in the fresh copy of the project before the run;
- ``check`` (executable): run in the copy after the run; exit 0 = the chore is done right.

For each chore: the project is copied to a temporary folder, ``setup`` runs, the copy becomes a git
repository with one commit (so damage is measured against it), ``item.md`` is written as
``tasks/todo.md``, the real ``agentrunner run --json`` works it (a subprocess, with a copy of
``--config`` whose workspace is the copy), then ``check`` runs. Printed per chore: ticked (from the
to-do file), check passed, files damaged by a failed item (anything that differs from the commit,
created files included, when the item was not ticked), calls by tier, cost, wall, and — an item left
for review (a local tier's prose, its draft in ``tasks/review/``) — whether the check passes with the
draft's diff applied on a second copy; totals: correct rate, ticked-but-wrong rate, damaged count,
left for review (drafts right), $ per correct chore, and the all-premium estimate of the same calls
(from the run's JSON summary: the config needs a priced last tier for it).

    .venv/bin/python scripts/bench_chores.py --chores benchmarks/chores \
        --config benchmarks/chores/configs/qwen.toml [--only NAME…] [--json] [--keep DIR]

Nothing in here knows any chore: other folders of the same format run unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import tomlkit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CHORES = REPO / "benchmarks" / "chores"
DEFAULT_TIMEOUT_S = 900.0
CHECK_TIMEOUT_S = 300.0
TODO_FILE = "tasks/todo.md"
# Never copied into a fresh copy, and never counted as a change: caches tools write as they run.
CACHE_PATTERNS = ("__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".agentrunner")
# Written into the copy's .git/info/exclude (not into the tree): the runner's to-do and result
# files under tasks/ and the caches are not the chore's output.
GIT_EXCLUDE = "\n".join(["/tasks/", "__pycache__/", "*.pyc", ".pytest_cache/", ".ruff_cache/", ".mypy_cache/"]) + "\n"
_OPEN = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[ \]\s", re.MULTILINE)
_DONE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[[xX]\]\s", re.MULTILINE)


class BenchError(Exception):
    """A problem with the benchmark's input (chores folder, project, config): one line, exit 2."""


@dataclass
class Chore:
    name: str
    folder: Path

    @property
    def item(self) -> Path:
        return self.folder / "item.md"

    @property
    def setup(self) -> Path | None:
        path = self.folder / "setup"
        return path if path.exists() else None

    @property
    def check(self) -> Path:
        return self.folder / "check"


@dataclass
class ChoreResult:
    name: str
    ticked: bool = False
    check_passed: bool = False
    check_output: str = ""
    changed: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    calls_by_tier: dict[str, int] = field(default_factory=dict)
    cost_usd: float = 0.0
    premium_estimate_usd: float | None = None
    wall_s: float = 0.0
    exit_code: int | None = None
    error: str | None = None  # the run itself went wrong (timeout, no JSON summary, setup failed)
    # not ticked, its draft left for review in tasks/review/ (prose by a local tier); whether the check
    # passes with the draft's diff applied: what a reviewer who kept every draft would get
    review: bool = False
    review_passed: bool | None = None

    @property
    def ticked_but_wrong(self) -> bool:
        return self.ticked and not self.check_passed


# -- the chores folder ------------------------------------------------------------------------


def find_chores(folder: Path, only: list[str] | None = None) -> list[Chore]:
    """Every sub-folder with an item.md, by name; ``only`` keeps the named ones (all must exist)."""
    if not folder.is_dir():
        raise BenchError(f"{folder}: not a folder of chores")
    chores = [Chore(path.name, path) for path in sorted(folder.iterdir()) if (path / "item.md").is_file()]
    for chore in chores:
        if not chore.check.is_file():
            raise BenchError(f"{chore.check}: missing (every chore needs an executable check)")
        for script in (chore.check, chore.setup):
            if script is not None and not os.access(script, os.X_OK):
                raise BenchError(f"{script}: not executable (chmod +x)")
        if not _OPEN.search(chore.item.read_text(encoding="utf-8")):
            raise BenchError(f"{chore.item}: no open '- [ ]' item")
    if only:
        names = {chore.name for chore in chores}
        unknown = [name for name in only if name not in names]
        if unknown:
            raise BenchError(f"--only: no chore named {', '.join(unknown)} in {folder}")
        chores = [chore for chore in chores if chore.name in only]
    if not chores:
        raise BenchError(f"{folder}: no chore folders (a chore is a folder with item.md and check)")
    return chores


def is_ticked(todo_text: str) -> bool:
    """True when the to-do file has at least one ticked item and no open one left."""
    return bool(_DONE.search(todo_text)) and not _OPEN.search(todo_text)


# -- one fresh copy ---------------------------------------------------------------------------


def tool_env() -> dict[str, str]:
    """The environment of setup, the run and check: this interpreter's bin first on PATH."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONPATH", None)  # the project's own imports only
    env.setdefault("NO_COLOR", "1")
    return env


def _git(copy: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false", *args],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"git {' '.join(args)} in {copy}: {result.stderr.strip()}")
    return result.stdout


def prepare_copy(project: Path, chore: Chore, copy: Path) -> None:
    """Copy the project, run the chore's setup, and commit the result as the one commit of a new repo."""
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".git", *CACHE_PATTERNS))
    if chore.setup is not None:
        result = subprocess.run(
            [str(chore.setup)], cwd=copy, env=tool_env(), capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise BenchError(f"{chore.setup}: exit {result.returncode}: {(result.stderr or result.stdout).strip()}")
    _git(copy, "init", "-q", "-b", "main")
    (copy / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (copy / ".git" / "info" / "exclude").write_text(GIT_EXCLUDE, encoding="utf-8")
    _git(copy, "add", "-A")
    _git(copy, "commit", "-q", "-m", "project")


def changed_files(copy: Path) -> list[str]:
    """Files that differ from the commit: modified, deleted or created (tasks/ and caches excluded)."""
    out = _git(copy, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
    return sorted(entry[3:] for entry in out.split("\0") if len(entry) > 3)


def assess(result: ChoreResult, copy: Path) -> None:
    """Ticked (from the to-do file), the files changed, and those damaged: all changes of an unticked item."""
    todo = copy / TODO_FILE
    result.ticked = todo.exists() and is_ticked(todo.read_text(encoding="utf-8", errors="replace"))
    result.changed = changed_files(copy)
    result.damaged = [] if result.ticked else list(result.changed)


def run_check(chore: Chore, copy: Path) -> tuple[bool, str]:
    try:
        result = subprocess.run(
            [str(chore.check)],
            cwd=copy,
            env=tool_env(),
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"check timed out after {CHECK_TIMEOUT_S:.0f}s"
    output = (result.stdout + result.stderr).strip()
    return result.returncode == 0, output


_DIFF_BLOCK = re.compile(r"^(`{3,})diff\n(.*?)^\1$", re.MULTILINE | re.DOTALL)


def review_draft(copy: Path) -> Path | None:
    """The draft the run left for review (``tasks/review/<day>/<item>.md``), if any."""
    drafts = sorted((copy / "tasks" / "review").glob("*/*.md"))
    return drafts[0] if drafts else None


def draft_patch(markdown: str) -> str:
    """The diff of a review draft: its ``diff`` fenced blocks, one per file, as one patch."""
    return "".join(block if block.endswith("\n") else block + "\n" for _, block in _DIFF_BLOCK.findall(markdown))


def check_draft(chore: Chore, copy: Path, draft: Path) -> tuple[bool, str]:
    """The chore's check on a second copy with the draft's diff applied (as `git apply` would keep it)."""
    trial = copy.parent / "draft-applied"
    shutil.rmtree(trial, ignore_errors=True)
    shutil.copytree(copy, trial, symlinks=True)
    try:
        patch = draft_patch(draft.read_text(encoding="utf-8", errors="replace"))
        applied = subprocess.run(
            ["git", "apply", "--whitespace=nowarn", "-"], cwd=trial, input=patch, capture_output=True, text=True,
            check=False, timeout=60,
        )  # fmt: skip
        if not patch or applied.returncode != 0:
            return False, f"the draft's diff does not apply: {applied.stderr.strip()[:200] or 'no diff'}"
        return run_check(chore, trial)
    finally:
        shutil.rmtree(trial, ignore_errors=True)


# -- the run ----------------------------------------------------------------------------------


def chore_config(config: Path, copy: Path, target: Path) -> Path:
    """``config`` with the copy as workspace and its tasks/ as tasks dir; relative model paths kept working."""
    try:
        document = tomlkit.parse(config.read_text(encoding="utf-8"))
    except (OSError, tomlkit.exceptions.TOMLKitError) as exc:
        raise BenchError(f"{config}: {exc}") from None
    for tier in (document.get("tiers") or {}).values():
        path = tier.get("model_path") if hasattr(tier, "get") else None
        if isinstance(path, str) and not Path(os.path.expanduser(path)).is_absolute():
            tier["model_path"] = str((config.parent / path).resolve())
    if "agent" not in document:
        document["agent"] = tomlkit.table()
    document["agent"]["workspace"] = str(copy)
    document["agent"]["tasks_dir"] = str(copy / "tasks")
    target.write_text(tomlkit.dumps(document), encoding="utf-8")
    return target


def _last_json(text: str) -> dict[str, Any] | None:
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
    return None


def _stop_run(process: subprocess.Popen[str]) -> Callable[[int, FrameType | None], None]:
    """A signal handler that stops the run's process group, then exits as the signal would."""

    def stop(number: int, frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the run saves its state and exits 130
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        raise SystemExit(128 + number)

    return stop


def run_agent(
    config: Path, copy: Path, data_dir: Path, *, timeout: float, dry_run: bool
) -> tuple[dict[str, Any] | None, int | None, str]:
    """``agentrunner run --json tasks/todo.md`` in the copy; SIGTERM (then SIGKILL) at the timeout."""
    command = [sys.executable, "-m", "agentrunner", "--config", str(config), "run", "--json", TODO_FILE]
    if dry_run:
        command.append("--dry-run")
    # The agentrunner of the checkout this script is in, whatever is installed in the venv.
    env = tool_env() | {"AGENTRUNNER_DIR": str(data_dir), "AGENTRUNNER_CONFIG": str(config), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        command, cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    # The run is in a session of its own (a timeout stops its whole group): the benchmark stopped
    # from outside (a CPU-queue time limit, Ctrl-C) stops it too, or it runs on as an orphan with
    # the model loaded, taking the cores of whatever runs next.
    previous = {number: signal.signal(number, _stop_run(process)) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        note = ""
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)  # the run saves its state and exits 130
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
        note = f"timed out after {timeout:.0f}s"
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    summary = _last_json(stdout)
    if summary is None and not note:
        lines = stderr.strip().splitlines()
        note = f"no JSON summary (exit {process.returncode}): {lines[-1] if lines else ''}"
    return summary, process.returncode, note


def ledger_spend(path: Path) -> tuple[dict[str, int], float]:
    """Calls by tier and cost from a run's ledger (for a run that printed no summary)."""
    if not path.is_file():
        return {}, 0.0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            rows = db.execute("SELECT tier, COUNT(*), COALESCE(SUM(cost_usd), 0) FROM calls GROUP BY tier").fetchall()
    except sqlite3.Error:
        return {}, 0.0
    return {str(tier): int(count) for tier, count, _ in rows}, round(sum(float(cost) for *_, cost in rows), 6)


def run_chore(
    chore: Chore,
    project: Path,
    config: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    dry_run: bool = False,
    keep: Path | None = None,
) -> ChoreResult:
    result = ChoreResult(chore.name)
    root = Path(tempfile.mkdtemp(prefix=f"chore-{chore.name}-"))
    copy = root / "project"
    started = time.perf_counter()
    try:
        try:
            prepare_copy(project, chore, copy)
        except (BenchError, subprocess.TimeoutExpired) as exc:
            result.error = f"setup: {exc}"
            return result
        (copy / "tasks").mkdir(exist_ok=True)
        todo = copy / TODO_FILE
        shutil.copyfile(chore.item, todo)
        derived = chore_config(config, copy, root / "routes.toml")
        summary, result.exit_code, note = run_agent(
            derived, copy, root / "data", timeout=timeout, dry_run=dry_run
        )
        result.error = note or None
        if summary is None:  # killed at the timeout: what it spent is in its ledger
            result.calls_by_tier, result.cost_usd = ledger_spend(root / "data" / "ledger.db")
        else:
            result.calls_by_tier = {k: int(v) for k, v in (summary.get("calls_by_tier") or {}).items()}
            result.cost_usd = float(summary.get("cost_usd") or 0.0)
            estimate = summary.get("premium_estimate_usd")
            result.premium_estimate_usd = None if estimate is None else float(estimate)
        assess(result, copy)
        result.check_passed, result.check_output = run_check(chore, copy)
        draft = None if result.ticked else review_draft(copy)
        if draft is not None:
            result.review = True
            result.review_passed = check_draft(chore, copy, draft)[0]
        return result
    finally:
        result.wall_s = round(time.perf_counter() - started, 1)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            destination = keep / chore.name
            shutil.rmtree(destination, ignore_errors=True)
            shutil.move(str(root), destination)
        else:
            shutil.rmtree(root, ignore_errors=True)


# -- totals and output ------------------------------------------------------------------------


def totals(results: list[ChoreResult]) -> dict[str, Any]:
    count = len(results)
    correct = sum(r.check_passed for r in results)
    wrong_ticks = sum(r.ticked_but_wrong for r in results)
    cost = sum(r.cost_usd for r in results)
    estimates = [r.premium_estimate_usd for r in results if r.premium_estimate_usd is not None]
    calls: dict[str, int] = {}
    for r in results:
        for tier, n in r.calls_by_tier.items():
            calls[tier] = calls.get(tier, 0) + n
    return {
        "chores": count,
        "ticked": sum(r.ticked for r in results),
        "correct": correct,
        "correct_rate": round(correct / count, 3) if count else None,
        "ticked_but_wrong": wrong_ticks,
        "ticked_but_wrong_rate": round(wrong_ticks / count, 3) if count else None,
        "review": sum(r.review for r in results),
        "review_passed": sum(bool(r.review_passed) for r in results),
        "damaged_chores": sum(bool(r.damaged) for r in results),
        "damaged_files": sum(len(r.damaged) for r in results),
        "errors": sum(r.error is not None for r in results),
        "calls_by_tier": calls,
        "cost_usd": round(cost, 6),
        "usd_per_correct": round(cost / correct, 6) if correct else None,
        "premium_estimate_usd": round(sum(estimates), 6) if estimates else None,
        "wall_s": round(sum(r.wall_s for r in results), 1),
    }


def _calls(calls: dict[str, int]) -> str:
    return " ".join(f"{tier} {n}" for tier, n in calls.items()) or "-"


def format_table(results: list[ChoreResult], total: dict[str, Any]) -> str:
    width = max([len(r.name) for r in results] + [5])
    lines = [f"{'chore':<{width}}  ticked  check  damaged  calls                cost       wall"]
    for r in results:
        damaged = str(len(r.damaged)) if r.damaged else "-"
        lines.append(
            f"{r.name:<{width}}  {'yes' if r.ticked else 'no':<6}  {'pass' if r.check_passed else 'FAIL':<5}  "
            f"{damaged:<7}  {_calls(r.calls_by_tier):<19}  ${r.cost_usd:<9.6f} {r.wall_s:6.1f}s"
        )
        detail = []
        if r.error:
            detail.append(r.error)
        if not r.check_passed and r.check_output:
            detail.append(r.check_output.strip().splitlines()[-1][:150])
        if r.damaged:
            detail.append("damaged: " + ", ".join(r.damaged))
        if r.review:
            detail.append(f"left for review: the draft {'passes' if r.review_passed else 'fails'} the check")
        lines.extend(f"{'':<{width}}    {text}" for text in detail)
    n = total["chores"]
    per_correct = "n/a" if total["usd_per_correct"] is None else f"${total['usd_per_correct']:.6f}"
    estimate = "n/a" if total["premium_estimate_usd"] is None else f"${total['premium_estimate_usd']:.6f}"
    reviewed = f"left for review {total['review']} (drafts right {total['review_passed']}) · " * bool(total["review"])
    lines.append(
        f"correct {total['correct']}/{n} ({total['correct_rate']:.0%}) · ticked {total['ticked']} · "
        f"ticked but wrong {total['ticked_but_wrong']}/{n} ({total['ticked_but_wrong_rate']:.0%}) · "
        f"damaged {total['damaged_chores']} chore(s), {total['damaged_files']} file(s) · "
        f"{reviewed}calls {_calls(total['calls_by_tier'])} · ${total['cost_usd']:.6f} · "
        f"{per_correct} per correct chore · "
        f"all-premium estimate {estimate} · {total['wall_s']:.0f}s"
    )
    return "\n".join(lines)


def format_markdown(results: list[ChoreResult], total: dict[str, Any]) -> str:
    """The same as :func:`format_table`, as a markdown table (for docs and notes)."""
    lines = ["| chore | ticked | check | damaged | calls | cost | wall |", "|---|---|---|---|---|---|---|"]
    for r in results:
        damaged = ", ".join(r.damaged) if r.damaged else "-"
        verdict = "pass" if r.check_passed else "FAIL"
        lines.append(
            f"| {r.name} | {'yes' if r.ticked else 'no'} | {verdict} | {damaged} | {_calls(r.calls_by_tier)} "
            f"| ${r.cost_usd:.6f} | {r.wall_s:.0f} s |"
        )
    return "\n".join([*lines, "", format_table([], total).splitlines()[-1]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chores", type=Path, default=DEFAULT_CHORES, help="folder of chore folders")
    parser.add_argument("--project", type=Path, help="the project copied for each chore (default: CHORES/project)")
    parser.add_argument("--config", type=Path, default=REPO / "routes.toml", help="routes.toml for the runs")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these chores")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    parser.add_argument(
        "--from-json", type=Path, metavar="FILE", help="the table of an earlier --json run (or of its stderr)"
    )
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per chore's run")
    parser.add_argument("--dry-run", action="store_true", help="pass --dry-run to agentrunner (no model calls)")
    parser.add_argument("--keep", type=Path, help="keep each chore's copy, config and ledger under this folder")
    args = parser.parse_args(argv)
    if args.from_json:
        try:
            text = args.from_json.read_text(encoding="utf-8")
            if text.lstrip().startswith('{"config"'):
                chores = json.loads(text)["chores"]
            else:  # the stderr of a run: one JSON line per finished chore
                chores = [json.loads(line) for line in text.splitlines() if line.startswith('{"name"')]
            results = [ChoreResult(**chore) for chore in chores]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"bench_chores: {args.from_json}: not a --json report ({exc})", file=sys.stderr)
            return 2
        print((format_markdown if args.markdown else format_table)(results, totals(results)))
        return 0
    try:
        project = (args.project or args.chores / "project").resolve()
        if not project.is_dir():
            raise BenchError(f"{project}: the project folder does not exist (--project)")
        if not args.config.is_file():
            raise BenchError(f"{args.config}: no such config (--config)")
        chores = find_chores(args.chores.resolve(), args.only)
        if importlib.util.find_spec("pytest") is None:
            # without it the agent runs no test (a fix is never tried against them) and the checks
            # that run pytest fail: the figures would measure the set-up, not the agent
            raise BenchError(f"pytest is not installed in {sys.executable}: install the dev extras (setup.sh dev)")
        results = []
        for index, chore in enumerate(chores, 1):
            print(f"[{index}/{len(chores)}] {chore.name} …", file=sys.stderr, flush=True)
            result = run_chore(
                chore,
                project,
                args.config.resolve(),
                timeout=args.timeout,
                dry_run=args.dry_run,
                keep=args.keep.resolve() if args.keep else None,
            )
            results.append(result)
            # As each chore ends, so a long run cut short still has its finished chores on record.
            print(json.dumps(asdict(result)), file=sys.stderr, flush=True)
    except BenchError as exc:
        print(f"bench_chores: {exc}", file=sys.stderr)
        return 2
    total = totals(results)
    if args.json:
        print(json.dumps({"config": str(args.config), "chores": [asdict(r) for r in results], "totals": total}))
    else:
        print((format_markdown if args.markdown else format_table)(results, total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
