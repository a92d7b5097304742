"""What the bubblewrap sandbox costs per command: the same commands run sandboxed
(:func:`agentrunner.sandbox.run_sandboxed`, the path of the ``shell`` and ``run`` tools) and
unsandboxed (``subprocess.run``) in the same process, on the same workspace (this repository by
default), median of N runs each; the ratio and the added milliseconds are printed per command.

    python scripts/bench_sandbox.py [--runs 15] [--workspace PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from agentrunner.sandbox import find_command, run_sandboxed, sandbox_status

COMMANDS = [
    ["true"],
    ["git", "status", "--short"],
    ["python", "-c", "pass"],
    ["python", "-m", "py_compile", "agentrunner/sandbox.py"],
]


def _median(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--workspace", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    why = sandbox_status()
    if why is not None:
        print(f"no sandbox here: {why}", file=sys.stderr)
        return 1
    rows = []
    for argv in COMMANDS:
        exe = find_command(argv[0], args.workspace) or argv[0]
        plain = [exe, *argv[1:]]
        bare = _median(lambda: subprocess.run(plain, cwd=args.workspace, capture_output=True), args.runs)  # noqa: B023
        boxed = _median(lambda: run_sandboxed(argv, cwd=args.workspace, timeout=60), args.runs)  # noqa: B023
        rows.append({"command": " ".join(argv), "unsandboxed_ms": bare * 1000, "sandboxed_ms": boxed * 1000,
                     "ratio": boxed / bare, "added_ms": (boxed - bare) * 1000})
    if args.json:
        print(json.dumps(rows))
        return 0
    print(f"{'command':48} {'plain ms':>9} {'sandbox ms':>11} {'ratio':>6} {'added ms':>9}")
    for row in rows:
        print(f"{row['command'][:48]:48} {row['unsandboxed_ms']:9.1f} {row['sandboxed_ms']:11.1f} "
              f"{row['ratio']:6.1f} {row['added_ms']:9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
