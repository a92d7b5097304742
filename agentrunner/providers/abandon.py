"""Abandoning in-process model calls when a run is told to stop.

A run's first SIGINT/SIGTERM lets a *paid* call finish (its answer is recorded, not paid for twice),
but an in-process llama.cpp call costs nothing to abandon and can take minutes on a small CPU (a
1.5B model writing 1,024 tokens under load): waiting for it made a cron ``timeout`` or the chores
benchmark escalate to SIGKILL, which leaves the item's files as the model had written them until
the next run rolls them back. So the first signal abandons in-process calls at once:

- a call of the main thread (``--jobs 1``, the default) is interrupted from the signal handler
  itself: Python runs it between two llama.cpp batches or tokens (:func:`main_thread_in_local_call`).
  A handler that lands inside llama-cpp-python's ctypes sampler callback is swallowed there, so
  the runner raises it again every 0.2 s until the call has ended;
- a call of a ``--jobs`` worker thread gets the same exception asynchronously
  (:func:`interrupt_worker_calls`, ``PyThreadState_SetAsyncExc``: delivered at the thread's next
  bytecode, i.e. between two tokens), sent again every 0.2 s while the thread is still in the call,
  and never after it left it (:func:`local_call` cancels a pending one on its way out, under the
  same lock the sender holds) — an exception landing in the item's rollback would be worse than a
  late stop;
- no new in-process call starts (:func:`local_call` refuses it).

(A logits processor cannot do it: llama-cpp-python calls it from a ctypes callback, which prints
and drops any exception; its chat handlers drop ``stopping_criteria``.)

The raised :class:`~agentrunner.errors.CallAbandoned` is an ``Interrupted``: the gateway records the
attempt, the agent rolls the item's files back, the run saves its state and exits 130.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import CallAbandoned

_abandon = threading.Event()
_in_call: set[int] = set()
# Re-entrant: the runner's signal handler takes it in the main thread, which may be holding it.
_in_call_lock = threading.RLock()


def abandon_local_calls() -> None:
    """From now on every in-process model call of this process stops at its next token."""
    _abandon.set()


def allow_local_calls() -> None:
    """Undo :func:`abandon_local_calls` (a new run in the same process, e.g. in tests)."""
    _abandon.clear()


def local_calls_abandoned() -> bool:
    return _abandon.is_set()


def main_thread_in_local_call() -> bool:
    """Whether the main thread is inside an in-process model call right now (then a signal
    handler may raise :class:`CallAbandoned` into it)."""
    main = threading.main_thread().ident
    with _in_call_lock:
        return main in _in_call


def _set_async_exc(ident: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc else None)


def interrupt_worker_calls() -> int:
    """Raise :class:`CallAbandoned` in every thread but the main one that is inside an in-process
    model call now; returns how many. Called by the runner's signal handler, and again every
    0.2 s while any remain (an exception raised inside llama-cpp-python's ctypes callback is
    dropped there)."""
    main = threading.main_thread().ident
    with _in_call_lock:
        workers = [ident for ident in _in_call if ident != main]
        for ident in workers:
            _set_async_exc(ident, CallAbandoned)
    return len(workers)


def check_abandoned(tier: str) -> None:
    if _abandon.is_set():
        raise CallAbandoned(f"{tier}: the in-process model call was abandoned (the run is stopping)")


@contextmanager
def local_call(tier: str) -> Iterator[None]:
    """Mark the current thread as inside an in-process model call of ``tier``."""
    check_abandoned(tier)
    ident = threading.get_ident()
    with _in_call_lock:
        _in_call.add(ident)
    try:
        yield
    finally:
        while True:
            try:
                with _in_call_lock:
                    _in_call.discard(ident)
                    _set_async_exc(ident, None)  # one sent but not yet delivered: cancelled
                break
            except CallAbandoned:  # delivered here, as the call ended: leave the set all the same
                continue
