"""Replay runs: what makes a killed replay resumable, and ``--max-cost``.

A replay is a run in the ledger's ``runs`` table (``args.command`` is ``compare`` or ``tune``) whose
``args.replay_fingerprint`` is a hash of everything that decides which calls are made: the
selection's filters (as typed), each configuration's name and configuration hash, the scorer and
rubric, ``--no-cache``. Not in it: output options, ``--concurrency``, ``--max-cost``, the floor.

- The run is *finished* (``finished``/``exit_code`` set) only when the replay ends normally. Killed
  (``kill -9``, a power cut), interrupted, or stopped by ``--max-cost``, it stays open.
- The next identical command continues the newest open run with the same fingerprint (``--resume
  RUN`` names one): same run id, so its calls so far count against ``--max-cost``, and every call it
  already made is found, not made again — by the response cache (the ledger has the rows), and with
  ``--no-cache`` by the run's own rows (:meth:`~.engine.ResponseCache.lookup_in_run`).
- A run whose process is still alive is never taken over (two replays at once are two runs).
- Calls that were in flight when a replay was killed were recorded as they were sent
  (:mod:`.inflight`); the next replay writes them as ``lost`` rows with their worst-case cost before
  anything else, and its replay sends them again: paid twice, and said so.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from ..budgets import pid_alive
from ..config import Config
from ..errors import UsageError
from ..ledger import Ledger, new_id
from .engine import Candidate
from .inflight import Lost, record_lost
from .select import Selection


def fingerprint(command: str, selection: Selection, candidates: list[Candidate], **options: Any) -> str:
    data = {
        "command": command,
        "selection": asdict(selection),
        "configs": [(c.name, c.config.config_hash()) for c in candidates],
        "options": {key: options[key] for key in sorted(options)},
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:24]


@dataclass
class ReplayRun:
    id: str
    resumed: bool
    answered_before: int = 0  # replayed calls this run had made before this invocation
    lost: Lost = field(default_factory=Lost)  # calls of killed replays in flight at the kill, recorded now

    def describe(self) -> str:
        if not self.resumed:
            return f"replay run {self.id}"
        return f"resuming replay run {self.id}: {self.answered_before} call(s) already answered, none made again"


def _open_runs(ledger: Ledger, fp: str) -> list[dict[str, Any]]:
    marker = f'%"replay_fingerprint": "{fp}"%'
    rows = ledger.db.execute(
        "SELECT id, args FROM runs WHERE finished IS NULL AND args LIKE ? ORDER BY started DESC, id DESC", [marker]
    ).fetchall()
    return [{"id": row[0], "args": json.loads(row[1] or "{}")} for row in rows]


def start_replay_run(
    ledger: Ledger, command: str, fp: str, *, config: Config, resume: str | None = None, args: dict[str, Any]
) -> ReplayRun:
    """The run this invocation replays under: ``--resume RUN``, else the newest open run with the
    same fingerprint whose process is gone, else a new one."""
    lost = record_lost(ledger)  # first: a killed replay's calls in flight are spend, whoever resumes
    run_id: str | None = None
    if resume is not None:
        row = ledger.db.execute("SELECT id, args, finished FROM runs WHERE id = ?", [resume]).fetchone()
        if row is None:
            raise UsageError(f"--resume {resume}: no such run in the ledger")
        known = json.loads(row[1] or "{}")
        if known.get("replay_fingerprint") != fp:
            what = f"a `{known['command']}` replay of other calls or configurations" if known.get(
                "replay_fingerprint") else "not a replay"
            raise UsageError(f"--resume {resume}: that run was {what}; repeat its command to continue it")
        run_id = resume
    else:
        for run in _open_runs(ledger, fp):
            pid = int(run["args"].get("pid") or 0)
            if pid != os.getpid() and pid_alive(pid):
                continue  # another replay is working on it right now
            run_id = run["id"]
            break
    if run_id is None:
        run_id = new_id()
        ledger.start_run(run_id, config_hash=config.config_hash(),
                         args={**args, "command": command, "replay_fingerprint": fp, "pid": os.getpid()})
        return ReplayRun(run_id, resumed=False, lost=lost)
    _update_pid(ledger, run_id, config)  # this process works on it now: no other replay takes it over
    answered = ledger.count_calls("run_id = ? AND replay_of IS NOT NULL AND status = 'ok'", [run_id])
    return ReplayRun(run_id, resumed=True, answered_before=answered, lost=lost)


def _update_pid(ledger: Ledger, run_id: str, config: Config) -> None:
    """Record this process as the run's (its ``started`` becomes this resumption's start)."""
    row = ledger.db.execute("SELECT args FROM runs WHERE id = ?", [run_id]).fetchone()
    args = json.loads(row[0] or "{}") if row else {}
    args["pid"] = os.getpid()
    ledger.start_run(run_id, config_hash=config.config_hash(), args=args)


def finish_replay_run(ledger: Ledger, run: ReplayRun, totals: dict[str, Any], *, exit_code: int = 0) -> None:
    """The replay ended (killed, interrupted or over budget, it stays open to be continued)."""
    ledger.finish_run(run.id, exit_code=exit_code, totals=totals)


def with_max_cost(config: Config, max_cost: float | None) -> Config:
    """``--max-cost``: a per-run cap on top of routes.toml's budgets, as for ``run``; a replay
    stops (exit 3) rather than downgrade, which would compare another configuration than asked."""
    if max_cost is None:
        return config
    if max_cost < 0:
        raise UsageError(f"--max-cost must not be negative, got {max_cost}")
    copy = config.model_copy(deep=True)
    current = copy.budgets.per_run_usd
    copy.budgets.per_run_usd = max_cost if current is None else min(current, max_cost)
    copy.budgets.on_exhausted = "stop"
    return copy
