"""Benchmark: the cost of redaction (agentrunner/redaction.py) against the 7 key patterns it replaced.

Every ledger row, tool call, queue row, checkpoint and log line goes through the redactor, so its
speed is a cost of every call and of every imported row. Times the default rules (18, plus the
memory of secrets already seen) and the old 7 patterns on the same texts, in this process, and
prints the ratio:

- ``code``: agentrunner's own source, ~700 KB (identifiers, ``=`` and ``:`` everywhere: the
  keyword-anchored rules' worst case);
- ``json``: a 300 KB chat request as the ledger stores it (JSON-escaped);
- ``prose``: 1.3 MB of random words, one non-ASCII character (the slower keyword search).

    .venv/bin/python scripts/bench_redaction.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import string
import time
from collections.abc import Callable
from pathlib import Path

from agentrunner.redaction import DEFAULT_RULES, Redactor

# The default patterns before issue 13 (agentrunner/config.py DEFAULT_REDACT of that time): the baseline.
OLD_PATTERNS = [
    r"sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}",
    r"AKIA[0-9A-Z]{16}",
    r"gh[pousr]_[A-Za-z0-9]{36,}",
    r"github_pat_[A-Za-z0-9_]{22,}",
    r"AIza[0-9A-Za-z_-]{35}",
    r"xox[baprs]-[A-Za-z0-9-]{10,}",
    r"(?i)bearer\s+[A-Za-z0-9._~+/=-]{20,}",
]


def texts() -> dict[str, str]:
    package = Path(__file__).resolve().parent.parent / "agentrunner"
    code = "".join(path.read_text("utf-8") for path in sorted(package.rglob("*.py")))
    code = (code * (1 + 700_000 // max(len(code), 1)))[:700_000]
    rng = random.Random(1)
    words = ["".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(2, 10))) for _ in range(2000)]
    prose = "é " + " ".join(rng.choice(words) for _ in range(200_000))
    request = json.dumps({"model": "m", "messages": [{"role": "user", "content": code[:300_000]}], "max_tokens": 512})
    return {"code": code, "json": request, "prose": prose}


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    new, old = Redactor(DEFAULT_RULES), Redactor(OLD_PATTERNS)
    new('password="Seen-Before-99" sk-proj-abcdefghijklmnopqrstuvwxyz0123')  # something to remember
    print(f"{'text':8} {'KB':>6} {'old ms':>8} {'new ms':>8} {'ratio':>6} {'new MB/s':>9}")
    for name, text in texts().items():
        old_s = best_of(args.repeat, lambda text=text: old(text))
        new_s = best_of(args.repeat, lambda text=text: new(text))
        print(f"{name:8} {len(text) // 1000:6} {old_s * 1000:8.1f} {new_s * 1000:8.1f} {new_s / old_s:6.1f} "
              f"{len(text) / new_s / 1e6:9.1f}")


if __name__ == "__main__":
    main()
