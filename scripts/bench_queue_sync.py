"""Queue.sync of a big to-do file: one fsync per item (baseline) vs ``Queue.bulk()``.

Prints the time of each and the ratio, measured in this process on the same machine:

    .venv/bin/python scripts/bench_queue_sync.py [ITEMS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from agentrunner.queue import Queue
from agentrunner.todo import parse_text


def sync_all(path: Path, text: str, *, bulk: bool) -> float:
    items = parse_text(text, path=Path("tasks/big.md"), file_key="tasks/big.md").items
    queue = Queue(path)
    started = time.perf_counter()
    if bulk:
        with queue.bulk():
            for item in items:
                queue.sync(item, task_type="general")
    else:
        for item in items:
            queue.sync(item, task_type="general")
    elapsed = time.perf_counter() - started
    queue.close()
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    text = "# Big\n\n" + "".join(f"- [ ] Write a line about thing number {n}\n" for n in range(count))
    with tempfile.TemporaryDirectory() as tmp:
        baseline = sync_all(Path(tmp) / "full.db", text, bulk=False)
        bulk = sync_all(Path(tmp) / "bulk.db", text, bulk=True)
        again = sync_all(Path(tmp) / "bulk.db", text, bulk=True)  # second run: every item exists
    print(f"items {count}")
    for label, seconds in (("fsync per item (baseline)", baseline), ("Queue.bulk(), new items", bulk),
                           ("Queue.bulk(), known items", again)):
        print(f"{label:28} {seconds:8.2f} s  {seconds / count * 1e3:.3f} ms/item  ×{baseline / seconds:.1f}")


if __name__ == "__main__":
    main()
