"""What the item journal costs: tool writes and commands with the journal (fsynced originals,
command snapshots) against the same without it, in this process, on a copy of a project.

    .venv/bin/python scripts/bench_journal.py [--project DIR] [--runs N]

Prints per operation the mean time without and with the journal and the ratio. The project defaults
to ``benchmarks/chores/project`` (the chores benchmark's small package); point it at a bigger tree
to see how the command snapshot scales with the files it copies.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from agentrunner.agent.journal import Transactions
from agentrunner.config import parse_config
from agentrunner.tools import ToolContext, Workspace

ROOT = Path(__file__).resolve().parent.parent


def workspace(root: Path) -> Workspace:
    config = parse_config(
        '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\n\n[agent]\nworkspace = "."\n'
        'tools = ["read_file", "write_file", "shell"]\nshell_allow = ["python3 -c"]\n',
        source_path=root / "routes.toml",
    )
    return Workspace(config)


def timed(runs: int, action: object) -> float:
    started = time.perf_counter()
    for number in range(runs):
        action(number)  # type: ignore[operator]
    return (time.perf_counter() - started) / runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT / "benchmarks" / "chores" / "project")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(args.project, root, symlinks=True)
        files = sum(1 for p in root.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        print(f"project: {files} files, {size / 1024:.0f} KiB ({args.project})")
        plain = workspace(root)
        guarded = workspace(root)
        transactions = Transactions(Path(tmp) / "journal", root)
        guarded.guard = transactions
        context = ToolContext(task_id="bench")
        rows = []
        for label, call in (
            (
                "write_file",
                lambda ws, n: ws.call("write_file", {"path": f"out/n{n}.txt", "content": "x" * 2000}, context),
            ),
            ("command", lambda ws, n: ws.call("shell", {"command": "python3 -c pass"}, context)),
        ):
            transactions.begin("bench")
            without = timed(args.runs, lambda n, call=call: call(plain, n))
            shutil.rmtree(root / "out", ignore_errors=True)
            with_journal = timed(args.runs, lambda n, call=call: call(guarded, n))
            transactions.journal("bench").restore_all()
            transactions.end("bench", discard=True)
            rows.append((label, without, with_journal))
        for label, without, with_journal in rows:
            print(
                f"{label:10} without journal {without * 1000:7.2f} ms · with {with_journal * 1000:7.2f} ms · "
                f"×{with_journal / without:.2f}"
            )
        leftover = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.name.startswith("n"))
        if leftover:
            print(f"rollback left files behind: {leftover}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
