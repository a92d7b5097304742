"""Importer memory and speed on generated Claude Code transcripts: flat memory, whatever the size.

    .venv/bin/python scripts/bench_import.py [--sizes 5,50] [--keep DIR]

For each size it writes a transcript (user turns, assistant messages split into several content
lines that repeat their usage, tool results of a few KB, subagent sidechains, compactions),
imports it into a fresh ledger and reports

* the peak Python heap during the import (tracemalloc, measured in this process, reset between
  sizes) and its ratio to the smallest size: flat memory means a ratio near 1 while the file
  grows 10x;
* the peak RSS of a fresh subprocess doing the same import (what the OS sees), and its ratio;
* throughput in MB/s and calls/s, as a ratio to the smallest size;
* the time of a second import of the same file (nothing new to add) relative to the first: calls
  the ledger already has are not priced again.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

_MODELS = ("claude-sonnet-4-20250514", "claude-opus-4-1-20250805", "claude-3-5-haiku-20241022")


def write_claude_transcript(path: Path, megabytes: float, seed: int = 7) -> int:
    """A Claude Code transcript of about ``megabytes`` MB; returns the number of API calls."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    session = f"bench-{seed}"
    written = 0
    calls = 0
    turn = 0
    words = ["cart", "order", "refund", "invoice", "retry", "queue", "ledger", "token", "cache", "route"]

    def text(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    with path.open("w", encoding="utf-8") as out:

        def emit(line: dict[str, object]) -> None:
            nonlocal written
            data = json.dumps(line, separators=(",", ":")) + "\n"
            out.write(data)
            written += len(data)

        while written < target:
            turn += 1
            sidechain = turn % 25 == 0
            stamp = f"2026-10-{1 + (turn // 2000) % 28:02d}T{(turn // 60) % 24:02d}:{turn % 60:02d}:00.000Z"
            if turn % 300 == 0:
                emit({"type": "system", "subtype": "compact_boundary", "timestamp": stamp, "sessionId": session})
            emit(
                {
                    "type": "user",
                    "isSidechain": sidechain,
                    "parentUuid": None if sidechain else f"u{turn - 1}",
                    "sessionId": session,
                    "timestamp": stamp,
                    "uuid": f"u{turn}",
                    "message": {"role": "user", "content": text(40)},
                }
            )
            usage = {
                "input_tokens": rng.randint(5, 500),
                "cache_creation_input_tokens": rng.randint(0, 5000),
                "cache_read_input_tokens": rng.randint(0, 80000),
                "output_tokens": rng.randint(20, 800),
            }
            message_id, request_id = f"msg_{turn:08d}", f"req_{turn:08d}"
            model = _MODELS[turn % len(_MODELS)]
            blocks = [
                {"type": "thinking", "thinking": text(30)},
                {"type": "text", "text": text(60)},
                {"type": "tool_use", "id": f"toolu_{turn}", "name": "Read", "input": {"file_path": f"src/{turn}.py"}},
            ]
            for block in blocks:
                emit(
                    {
                        "type": "assistant",
                        "isSidechain": sidechain,
                        "sessionId": session,
                        "timestamp": stamp,
                        "requestId": request_id,
                        "message": {
                            "id": message_id,
                            "role": "assistant",
                            "model": model,
                            "content": [block],
                            "usage": usage,
                        },
                    }
                )
            calls += 1
            emit(
                {
                    "type": "user",
                    "isSidechain": sidechain,
                    "sessionId": session,
                    "timestamp": stamp,
                    "message": {
                        "role": "user",
                        "content": [{"type": "tool_result", "tool_use_id": f"toolu_{turn}", "content": text(500)}],
                    },
                }
            )
    return calls


def import_once(transcript: Path, ledger_path: Path) -> tuple[int, float]:
    """Import one transcript into a fresh ledger; returns (rows added, seconds)."""
    from agentrunner.importers import run_import

    started = time.perf_counter()
    summary = run_import("claude-code", [transcript], ledger_path=ledger_path)
    return summary.rows_added, time.perf_counter() - started


def subprocess_peak_rss_kb(transcript: Path, ledger_path: Path) -> int:
    """Peak RSS (KiB) of a fresh interpreter importing the transcript."""
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from agentrunner.importers import run_import\n"
        "run_import('claude-code', [Path(sys.argv[1])], ledger_path=Path(sys.argv[2]))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(transcript), str(ledger_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5,50", help="transcript sizes in MB, smallest first (baseline)")
    parser.add_argument("--keep", type=Path, help="write the transcripts here and keep them")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    # Warm-up: module imports and genai-prices' data load once, outside every measurement.
    warm = work / "warm-up.jsonl"
    write_claude_transcript(warm, 0.05)
    import_once(warm, work / "warm-up.db")
    results = []
    for size in sizes:
        transcript = work / f"transcript-{size:g}mb.jsonl"
        calls = write_claude_transcript(transcript, size)
        megabytes = transcript.stat().st_size / 1024 / 1024
        tracemalloc.start()
        tracemalloc.reset_peak()
        rows, _ = import_once(transcript, work / f"heap-{size:g}.db")
        heap_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        _, seconds = import_once(transcript, work / f"speed-{size:g}.db")  # untraced: real speed
        again, reimport_seconds = import_once(transcript, work / f"speed-{size:g}.db")  # nothing new
        assert again == 0
        rss = subprocess_peak_rss_kb(transcript, work / f"rss-{size:g}.db")
        assert rows == calls, (rows, calls)
        results.append(
            (megabytes, calls, heap_peak / 1024 / 1024, rss / 1024, megabytes / seconds, calls / seconds,
             reimport_seconds / seconds)
        )
    base = results[0]
    print(f"importer benchmark (claude-code), baseline = the {base[0]:.1f} MB transcript, same process")
    print(f"{'file MB':>8} {'calls':>7} {'heap peak MB':>13} {'x base':>7} {'RSS peak MB':>12} {'x base':>7}"
          f" {'MB/s':>7} {'x base':>7} {'calls/s':>8} {'re-import time':>15}")
    for megabytes, calls, heap, rss, mbps, cps, reimport in results:
        print(
            f"{megabytes:8.1f} {calls:7d} {heap:13.1f} {heap / base[2]:7.2f} {rss:12.1f} {rss / base[3]:7.2f}"
            f" {mbps:7.1f} {mbps / base[4]:7.2f} {cps:8.0f} {reimport:13.2f}x"
        )
    print("re-import time: a second import of the same file (nothing new), as a fraction of the first")
    print(f"(this process's own peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
