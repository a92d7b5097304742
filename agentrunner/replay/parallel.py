"""Replays in parallel, results in order: what ``compare``/``tune`` iterate over.

:func:`replay_in_order` yields ``(original, [result per candidate])`` in the order of the selection
whatever the number of workers, so totals, tables, the outcome dataset and the HTML view are those
of a serial replay. With one worker (every tier at ``max_concurrency = 1``) it replays in the
caller's thread, exactly as before.

With more, a pool of threads (one per endpoint slot, see :mod:`.limits`) replays a bounded window
of (call, candidate) pairs ahead of the consumer; the endpoints' limiters decide how many requests
are really in flight. Two replays that would send the same request to the same model (duplicate
prompts in the history) are ordered: the later waits for the earlier and then finds its answer in
the response cache, so exactly one call is paid and recorded — against the same original as in a
serial replay.

When the consumer stops early (an error in order, ``--stop-when-decided``, Ctrl-C), pairs not yet
started are cancelled and those in flight finish (their calls are paid and recorded; a later replay
finds them in the cache).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from .engine import Candidate, ReplayEngine, ReplayResult

WINDOW_PER_WORKER = 4  # pairs queued ahead per worker: enough to keep every slot busy


def replay_in_order(
    engine: ReplayEngine,
    rows: Iterable[dict[str, Any]],
    *,
    candidates: list[Candidate] | None = None,
    workers: int | None = None,
) -> Generator[tuple[dict[str, Any], list[ReplayResult]]]:
    """Each row replayed through every candidate, yielded in input order."""
    chosen = candidates if candidates is not None else engine.candidates
    count = engine.workers() if workers is None else workers
    if count <= 1:
        for row in rows:
            yield row, [engine.replay(row, candidate) for candidate in chosen]
        return
    yield from _parallel(engine, rows, chosen, count)


def _parallel(
    engine: ReplayEngine, rows: Iterable[dict[str, Any]], candidates: list[Candidate], workers: int
) -> Generator[tuple[dict[str, Any], list[ReplayResult]]]:
    window = max(workers * WINDOW_PER_WORKER, len(candidates))
    pending: deque[tuple[dict[str, Any], list[Future[ReplayResult]], list[Any]]] = deque()
    latest: dict[tuple[str, str, str], Future[ReplayResult]] = {}  # the last pair sending each request
    source = iter(rows)
    exhausted = False
    in_window = 0

    def job(row: dict[str, Any], candidate: Candidate, earlier: Future[ReplayResult] | None) -> ReplayResult:
        if earlier is not None:
            wait([earlier])  # its answer (ok or not) is in the ledger now: ours may be a cache hit
        return engine.replay(row, candidate)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="replay")
    try:
        while True:
            while not exhausted and in_window + len(candidates) <= window:
                try:
                    row = next(source)
                except StopIteration:
                    exhausted = True
                    break
                futures: list[Future[ReplayResult]] = []
                keys: list[Any] = []
                for candidate in candidates:
                    key = engine.answer_key(row, candidate)
                    earlier = latest.get(key) if key is not None else None
                    future = pool.submit(job, row, candidate, earlier)
                    if key is not None:
                        latest[key] = future
                    futures.append(future)
                    keys.append(key)
                pending.append((row, futures, keys))
                in_window += len(candidates)
            if not pending:
                return
            row, futures, keys = pending.popleft()
            in_window -= len(futures)
            results = [future.result() for future in futures]  # the first error, in order, stops here
            for key, future in zip(keys, futures, strict=True):
                if key is not None and latest.get(key) is future:
                    del latest[key]
            yield row, results
    finally:
        for _, futures, _ in pending:
            for future in futures:
                future.cancel()
        pool.shutdown(wait=True)
