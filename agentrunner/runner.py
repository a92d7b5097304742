"""``agentrunner run``: the lock, the items, the graph per item, progress, the summary, exit codes.

Exit codes (docs/agent.md, "Exit codes"): 0 all selected items done or nothing to do · 1 some items failed ·
2 usage or config error · 3 stopped by a budget (state saved, resumable) · 75 another run holds the
lock · 130 interrupted (state saved, resumable).

One run at a time: ``fcntl.flock`` on ``.agentrunner/run.lock``, non-blocking; the kernel drops the
lock when the process dies, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from .agent import Agent, ItemInfo, ItemOutcome
from .agent.journal import Transactions, named_paths_overlap, roll_back_leftovers
from .agent.recipes import GENERAL, mentioned_paths, recipe_for
from .budgets import budget_status
from .chat import Usage
from .config import Config
from .dbcheck import check_before_run, which_damaged
from .errors import (
    AgentRunnerError,
    BudgetExhausted,
    CallAbandoned,
    Interrupted,
    LedgerError,
    LockHeld,
    PathBusy,
    UsageError,
)
from .gateway import Gateway
from .ledger import Ledger, Redactor, _database_problem, new_id
from .pricing import price_tokens
from .providers.abandon import (
    abandon_local_calls,
    allow_local_calls,
    interrupt_worker_calls,
    main_thread_in_local_call,
)
from .queue import Queue
from .router import ItemCapExceeded, NoCapableTier, RouteContext, Router, Step
from .sandbox import sandbox_status
from .todo import TodoFile, TodoItem, follow_link, mark_done, mark_failed, parse_file, update_item

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUDGET, EXIT_LOCK, EXIT_INTERRUPTED = 0, 1, 2, 3, 75, 130
MAX_DEFERRALS = 5  # an item deferred (a path held by another item) more often than this fails instead


@dataclass
class RunOptions:
    paths: list[Path] = field(default_factory=list)
    max_cost: float | None = None
    max_items: int | None = None
    jobs: int = 1
    dry_run: bool = False
    quiet: bool = False
    json_output: bool = False


@dataclass
class RunSummary:
    run_id: str
    exit_code: int = EXIT_OK
    selected: int = 0
    done: int = 0
    failed: int = 0
    pending: int = 0  # left for a later run (budget stop, interrupt, attempts exhausted are 'skipped')
    skipped: int = 0
    calls_by_tier: dict[str, int] = field(default_factory=dict)
    reused_calls: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = 0
    premium_estimate_usd: float | None = None
    saving_pct: float | None = None
    wall_s: float = 0.0
    stopped: str | None = None
    dry_run: bool = False
    estimate_usd: float | None = None  # dry run: the planned steps' worst case
    warnings: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "exit_code": self.exit_code,
            "selected": self.selected,
            "done": self.done,
            "failed": self.failed,
            "pending": self.pending,
            "skipped": self.skipped,
            "calls_by_tier": self.calls_by_tier,
            "reused_calls": self.reused_calls,
            "cost_usd": round(self.cost_usd, 6),
            "unpriced_calls": self.unpriced_calls,
            "premium_estimate_usd": None if self.premium_estimate_usd is None else round(self.premium_estimate_usd, 6),
            "saving_pct": None if self.saving_pct is None else round(self.saving_pct, 1),
            "wall_s": round(self.wall_s, 2),
            "stopped": self.stopped,
            "dry_run": self.dry_run,
            "estimate_usd": None if self.estimate_usd is None else round(self.estimate_usd, 6),
            "warnings": self.warnings,
            "items": self.items,
        }


# -- the lock ---------------------------------------------------------------------------------


@contextlib.contextmanager
def run_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``run.lock`` for the duration; LockHeld (exit 75) at once if another run has it."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LedgerError(f"{data_dir}: cannot create the data folder ({exc.strerror})") from None
    path = data_dir / "run.lock"
    try:
        handle = open(path, "a+")  # noqa: SIM115 - held for the whole run
    except OSError as exc:
        raise LedgerError(
            f"{path}: cannot open the run lock ({exc.strerror}); check that {data_dir} is writable"
        ) from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise LockHeld(f"another agentrunner run holds {path} (pid {holder}); exiting") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


# -- selecting items --------------------------------------------------------------------------


def todo_files(config: Config, paths: list[Path]) -> list[Path]:
    """The to-do files of a run: the given files (folders: their *.md), else tasks_dir/*.md.
    ``done/`` folders are results, never to-do files."""
    if not paths:
        if not config.tasks_dir.is_dir():
            return []
        return sorted(p for p in config.tasks_dir.glob("*.md") if p.is_file())
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.glob("*.md") if p.is_file() and "done" not in p.parts[-2:-1])
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such to-do file or folder")
    return files


def file_key(config: Config, path: Path) -> str:
    """How a to-do file is named in the queue and item ids: relative to routes.toml's folder."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(config.base_dir).as_posix()
    except ValueError:
        return resolved.as_posix()


def item_info(item: TodoItem) -> ItemInfo:
    return ItemInfo(
        id=item.id,
        title=item.title,
        context=item.context_text,
        tags=list(item.tags),
        file=item.file_key,
        cost_cap_usd=item.cost_cap_usd,
    )


# -- progress ---------------------------------------------------------------------------------


class Progress:
    """What a run reports as it goes: plain timestamped lines (cron, pipes), or on a terminal one
    line per item. The CLI's live bar (agentrunner/cli/progress.py) extends it."""

    def __init__(self, *, quiet: bool, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._lock = threading.Lock()
        self.titles: dict[str, str] = {}
        self.numbers: dict[str, str] = {}
        # The ledger's redaction, set by the Runner: item titles and errors may hold keys.
        self.redact: Callable[[str | None], str | None] = lambda text: text
        self.trails: dict[str, list[str]] = {}
        self.cost = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """The run is over (a live display stops here)."""

    def start(self, total: int) -> None:
        """The run has ``total`` items to work (a live display starts here)."""

    def emit(self, message: str) -> None:
        """Write one (redacted) line: as-is on a terminal, timestamped for logs."""
        if self.tty:
            print(message, file=self.stream, flush=True)
        else:
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            print(f"{stamp} {message}", file=self.stream, flush=True)

    def log(self, message: str) -> None:
        """A plain line: timestamped for logs, as-is above the progress bar on a terminal."""
        if self.quiet:
            return
        message = self.redact(message) or ""
        with self._lock:
            self.emit(message)

    def item_started(self, item_id: str, number: int, total: int) -> None:
        self.numbers[item_id] = f"[{number}/{total}]"
        if not self.tty:  # a terminal gets the item's one line when it ends
            self.log(f"[{number}/{total}] {self.titles.get(item_id, item_id)[:70]}")

    def event(self, item_id: str, message: str) -> None:
        """A step of an item: the bar's text on a terminal, a log line otherwise."""
        with self._lock:
            self.trails.setdefault(item_id, []).append(message)
        if not self.tty:
            self.log(f"  {self.titles.get(item_id, item_id)[:50]} · {message}")

    def item_finished(self, item_id: str, ok: bool, cost: float, detail: str) -> None:
        """Plain logs get the outcome line; a terminal gets the item's whole trail on one line
        (``[1/3] Summarise … plan(classify) → act(local) write_file → verify ✓ $0.0004``)."""
        if self.tty:
            trail = " → ".join(_short(m) for m in self.trails.get(item_id, []) if not m.startswith("summarise"))
            mark = "" if ok and trail.endswith("✓") else (" ✓" if ok else " ✗")
            title = self.titles.get(item_id, item_id)
            title = title if len(title) <= 44 else title[:43] + "…"
            self.log(f"{self.numbers.get(item_id, '')} {title:44} {trail}{mark}  ${cost:.4f}")
            if not ok:
                self.log(f"      {detail}")
        else:
            self.log(f"  {'done ✓' if ok else 'failed ✗'} {detail}")
        self.cost += cost


def _short(message: str) -> str:
    """``plan: classify recipe, 1 step(s)`` → ``plan(classify)``; others as they are."""
    if message.startswith("plan: ") and " recipe" in message:
        return f"plan({message.removeprefix('plan: ').split(' recipe')[0]})"
    if message.startswith("plan: "):
        return "plan"
    return message


# -- the run ----------------------------------------------------------------------------------


class Runner:
    def __init__(self, config: Config, options: RunOptions, *, progress: Progress | None = None) -> None:
        if options.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        if options.max_items is not None and options.max_items < 1:
            raise UsageError("--max-items must be at least 1")
        if options.max_cost is not None and options.max_cost < 0:
            raise UsageError("--max-cost must not be negative")
        self.options = options
        self.config = self._with_run_cap(config, options.max_cost)
        self.progress = progress or Progress(quiet=options.quiet or options.json_output)
        self.progress.redact = Redactor(self.config.ledger.patterns())
        self.stop = threading.Event()
        self.run_id = new_id()
        self.today = date.today()

    @staticmethod
    def _with_run_cap(config: Config, max_cost: float | None) -> Config:
        """``--max-cost`` is a per-run cap on top of routes.toml's budgets, handled like them
        (``on_exhausted``: downgrade to the cheapest tier first, or stop; exit 3 once nothing fits)."""
        if max_cost is None:
            return config
        copy = config.model_copy(deep=True)
        current = copy.budgets.per_run_usd
        copy.budgets.per_run_usd = max_cost if current is None else min(current, max_cost)
        copy.source_path, copy.source_text = config.source_path, config.source_text
        return copy

    # signals: the first SIGINT/SIGTERM lets a paid call finish (its answer is recorded, not paid
    # twice), abandons in-process model calls at once (free, and minutes long on a small CPU: a
    # cron timeout would escalate to SIGKILL), then stops; a second one abandons any call
    # (KeyboardInterrupt). Either way the item's files are rolled back and its state saved.
    def _install_signals(self) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)}
        allow_local_calls()

        def again(signum: int, frame: object) -> None:
            # providers/abandon.py: a raise that landed in llama-cpp-python's ctypes callback was
            # dropped there; raise it again until every in-process call has ended (--jobs workers too)
            workers = interrupt_worker_calls()
            if main_thread_in_local_call():
                raise CallAbandoned("the in-process model call was abandoned")
            if not workers:
                signal.setitimer(signal.ITIMER_REAL, 0)

        def handler(signum: int, frame: object) -> None:
            if self.stop.is_set():
                raise KeyboardInterrupt
            self.stop.set()
            abandon_local_calls()
            name = signal.Signals(signum).name
            workers = interrupt_worker_calls()
            if workers:
                signal.setitimer(signal.ITIMER_REAL, 0.2, 0.2)
            if main_thread_in_local_call():
                self.progress.log(f"{name}: abandoning the in-process model call, saving and exiting")
                signal.setitimer(signal.ITIMER_REAL, 0.2, 0.2)
                raise CallAbandoned(f"{name}: the in-process model call was abandoned")
            if workers:
                self.progress.log(f"{name}: abandoning {workers} in-process model call(s), saving and exiting")
                return
            self.progress.log(f"{name}: finishing the current call, then saving and exiting")

        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGALRM, again)

        def restore() -> None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for sig, old in previous.items():
                signal.signal(sig, old)
            allow_local_calls()

        return restore

    def run(self) -> RunSummary:
        with run_lock(self.config.data_dir):
            # a damaged ledger or state.db stops the run before it opens them (and before any call)
            check_before_run(self.config.ledger_path, self.config.state_path)
            try:
                return self._run_locked()
            except sqlite3.DatabaseError as exc:  # anywhere else: one line, never a traceback
                raise LedgerError(which_damaged([self.config.ledger_path, self.config.state_path], exc)) from None

    def _select(self, queue: Queue) -> tuple[list[TodoItem], int, list[TodoFile]]:
        paths = todo_files(self.config, self.options.paths)
        # Symlinks must not steer writes out of the project: checked before the first call.
        roots = [self.config.workspace, self.config.base_dir]
        for path in paths:
            follow_link(path, roots)
        if paths and not self.options.dry_run:
            follow_link(self.config.tasks_dir / "done", roots, what="results folder")
        files = [parse_file(path, file_key=file_key(self.config, path)) for path in paths]
        selected: list[TodoItem] = []
        skipped = 0
        with queue.bulk():
            for todo in files:
                for item in todo.items:
                    info = item_info(item)
                    found = recipe_for(info, self.config.workspace)
                    entry = queue.sync(item, task_type=found[0].name if found else "general")
                    if item.checked:
                        continue
                    if entry.status == "failed" and entry.attempts >= self.config.agent.max_attempts:
                        skipped += 1
                        continue
                    selected.append(item)
        if self.options.max_items is not None:
            selected = selected[: self.options.max_items]
        return selected, skipped, files

    def _run_locked(self) -> RunSummary:
        started = time.perf_counter()
        summary = RunSummary(run_id=self.run_id)
        ledger = Ledger.for_config(self.config)
        queue = Queue(self.config.state_path, redact=ledger.redact)
        gateway = Gateway(self.config, ledger)
        router = Router(self.config, ledger, gateway.availability, run_id=self.run_id)
        restore = self._install_signals()
        agent: Agent | None = None
        try:
            selected, summary.skipped, _ = self._select(queue)
            summary.selected = len(selected)
            ledger.start_run(
                self.run_id,
                config_hash=self.config.config_hash(),
                args={
                    "paths": [str(p) for p in self.options.paths],
                    "max_cost": self.options.max_cost,
                    "max_items": self.options.max_items,
                    "jobs": self.options.jobs,
                    "dry_run": self.options.dry_run,
                },
            )
            self.progress.log(
                f"run {self.run_id}: {len(selected)} open item(s)"
                + (
                    f", {summary.skipped} skipped after {self.config.agent.max_attempts} attempts"
                    if summary.skipped
                    else ""
                )
            )
            if not self.options.dry_run:
                self._roll_back_leftovers({item.id for item in selected})
            if {"shell", "run"} & set(self.config.agent.tools) and (why := sandbox_status()):
                self.progress.log(f"warning: commands are disabled (shell, run): {why}")
            if self.options.dry_run:
                self._dry_run(selected, router, summary)
            elif selected:
                agent = Agent(
                    self.config, ledger, gateway, router, self.config.state_path, stop=self.stop, today=self.today
                )
                agent.events.append(self.progress.event)
                self._work(selected, agent, queue, summary)
        finally:
            self.progress.close()
            restore()
            if agent is not None:
                agent.close()
        self._totals(ledger, summary)
        for entry in summary.items:  # printed with --json and kept in runs.totals: no keys
            for key in ("title", "error"):
                if isinstance(entry.get(key), str):
                    entry[key] = ledger.redact(entry[key])
        summary.wall_s = time.perf_counter() - started
        summary.exit_code = self._exit_code(summary)
        ledger.finish_run(self.run_id, exit_code=summary.exit_code, totals=summary.as_dict())
        gateway.close()
        queue.close()
        ledger.close()
        return summary

    def _roll_back_leftovers(self, keep: set[str]) -> None:
        """Half-done items a killed or stopped run left (not worked by this run): their files back."""
        workspace = self.config.workspace
        transactions = Transactions(
            self.config.data_dir / "journal", workspace, exclude=[self.config.data_dir, self.config.tasks_dir]
        )
        for item_id, report in roll_back_leftovers(transactions, keep=keep):
            undone = len(report.restored) + len(report.removed)
            note = f": {report.note()}" if report.note() else ""
            self.progress.log(f"rolled back {undone} path(s) of an unfinished item {item_id[:12]}{note}")

    def _exit_code(self, summary: RunSummary) -> int:
        if summary.stopped == "interrupted":
            return EXIT_INTERRUPTED
        if summary.stopped == "budget":
            return EXIT_BUDGET
        if summary.failed:
            return EXIT_FAILED
        return EXIT_OK

    def _dry_run(self, selected: list[TodoItem], router: Router, summary: RunSummary) -> None:
        """Plan (recipes or the one-step fallback: no model) and route (nothing reserved); no
        tools, no calls; the cost is each step's worst case."""
        estimate = 0.0
        for item in selected:
            info = item_info(item)
            found = recipe_for(info, self.config.workspace)
            steps = found[0].plan(info, found[1]) if found else GENERAL.plan(info, {})
            routes = []
            for spec in steps:
                step = Step(
                    instruction=spec.instruction,
                    kind=spec.kind,
                    tags=list(info.tags),
                    files=[*spec.reads, *spec.writes],
                    max_tokens=spec.max_tokens,
                    needs_json=spec.needs_json,
                    needs_tools=spec.needs_tools,
                    cost_cap_usd=info.cost_cap_usd,
                )
                try:
                    decision = router.choose(step, RouteContext(run_id=self.run_id), reserve=False)
                except AgentRunnerError as exc:
                    routes.append(f"✗ {exc}")
                    continue
                estimate += decision.worst_case_usd or 0.0
                routes.append(f"{spec.recipe}({decision.tier}) ≤ ${decision.worst_case_usd or 0:.6f}")
            plan_kind = found[0].name if found else "general loop"
            self.progress.log(f"[dry-run] {info.title[:60]} · {plan_kind} · {' → '.join(routes)}")
            summary.items.append({"id": info.id, "title": info.title, "status": "planned", "routes": routes})
        summary.dry_run = True
        summary.estimate_usd = estimate

    def _work(self, selected: list[TodoItem], agent: Agent, queue: Queue, summary: RunSummary) -> None:
        self.progress.start(len(selected))
        total = len(selected)
        for item in selected:
            self.progress.titles[item.id] = self.progress.redact(item.title) or ""
        counter = iter(range(1, total + 1))
        numbers: dict[str, int] = {}
        lock = threading.Lock()
        deferrals: dict[str, int] = {}

        def one(item: TodoItem) -> str | None:
            with lock:
                if item.id not in numbers:  # a deferred item keeps its number
                    numbers[item.id] = next(counter)
                number = numbers[item.id]
            if self.stop.is_set() or summary.stopped:
                return None
            self.progress.item_started(item.id, number, total)
            return self._work_item(item, agent, queue, summary, lock, defer=deferrals.get(item.id, 0) < MAX_DEFERRALS)

        if self.options.jobs == 1:
            for item in selected:
                if self.stop.is_set() or summary.stopped:
                    break
                one(item)
        else:
            # --jobs: items that name a common path run one after the other; an item that meets a
            # path another item is changing is rolled back and runs again after that item
            named = {item.id: mentioned_paths(f"{item.title}\n{item.context_text}") for item in selected}
            waits: dict[str, str] = {}
            with ThreadPoolExecutor(max_workers=self.options.jobs, thread_name_prefix="item") as pool:
                running: dict[Future[str | None], TodoItem] = {}
                pending = list(selected)

                def startable(item: TodoItem) -> bool:
                    busy = [other.id for other in running.values()]
                    return waits.get(item.id) not in busy and not any(
                        named_paths_overlap(named[item.id], named[other]) for other in busy
                    )

                while pending or running:
                    while len(running) < self.options.jobs and not (self.stop.is_set() or summary.stopped):
                        ready = next((item for item in pending if startable(item)), None)
                        if ready is None:
                            break
                        pending.remove(ready)
                        running[pool.submit(one, ready)] = ready
                    if not running:
                        break
                    done, _ = wait(set(running), timeout=0.5, return_when=FIRST_COMPLETED)
                    for future in done:
                        item = running.pop(future)
                        holder = future.result()
                        if holder is not None:
                            deferrals[item.id] = deferrals.get(item.id, 0) + 1
                            waits[item.id] = holder
                            pending.append(item)
        if self.stop.is_set() and summary.stopped is None:
            summary.stopped = "interrupted"
        summary.pending = sum(1 for entry in summary.items if entry["status"] == "pending")

    def _work_item(
        self,
        item: TodoItem,
        agent: Agent,
        queue: Queue,
        summary: RunSummary,
        lock: threading.Lock,
        *,
        defer: bool = False,
    ) -> str | None:
        """Work one item; returns the id of the item holding a path it needed when it was deferred."""
        info = item_info(item)
        resume = agent.has_checkpoint(item.id)
        # 'running' in the queue with the lock free: the last run was killed on this item. That is
        # the same attempt, not a new one: its calls keep their step ids and are reused from the
        # ledger, also when the kill came after the graph ended but before the to-do file was written.
        entry = queue.get(item.id)
        killed = entry is not None and entry.status == "running"
        max_attempts = self.config.agent.max_attempts
        if not (resume or killed) and entry is not None and entry.attempts >= max_attempts:
            # A new attempt would be one too many (e.g. the last one was stopped by a budget before
            # its first checkpoint): never start attempt max_attempts + 1.
            with lock:
                summary.skipped += 1
                summary.items.append({"id": item.id, "title": info.title, "status": "skipped",
                                      "error": f"{entry.attempts} of {max_attempts} attempts used"})
            return None
        attempt = queue.resume(item.id, self.run_id) if resume or killed else queue.start(item.id, self.run_id)
        not_counted = False
        try:
            outcome = agent.work(info, run_id=self.run_id, attempt=attempt, resume=resume)
        except ItemCapExceeded as exc:
            # the item's own ~$ cap: this item fails, the run goes on
            agent.forget(item.id)
            outcome = ItemOutcome(status="failed", error=str(exc))
        except BudgetExhausted as exc:
            queue.release(item.id)
            with lock:
                summary.stopped = summary.stopped or "budget"
                summary.items.append({"id": item.id, "title": info.title, "status": "pending", "error": str(exc)})
            self.progress.log(f"  stopped: {exc} (state saved: the next run resumes here)")
            return None
        except (Interrupted, KeyboardInterrupt):
            self.stop.set()
            queue.release(item.id)
            with lock:
                summary.stopped = "interrupted"
                summary.items.append({"id": item.id, "title": info.title, "status": "pending", "error": "interrupted"})
            self.progress.log("  interrupted: state saved, run again to resume")
            return None
        except LedgerError:
            # The ledger or state.db cannot be written (full, read-only, corrupt): stop the run
            # rather than keep paying for calls that cannot be recorded. The item stays 'running',
            # so the next run resumes the same attempt. Parallel items stop at their next step.
            self.stop.set()
            raise
        except sqlite3.DatabaseError as exc:  # LangGraph's checkpointer writing state.db
            self.stop.set()
            raise LedgerError(_database_problem(self.config.state_path, exc)) from None
        except AgentRunnerError as exc:
            # e.g. no tier can take a step: a failed attempt; the next one starts afresh
            agent.forget(item.id)
            if isinstance(exc, PathBusy) and defer:
                # rolled back already; not an attempt: it runs again once the holder has ended
                queue.release(item.id, attempts_back=not (resume or killed))
                self.progress.log(f"  deferred: {exc}")
                return exc.holder
            outcome = ItemOutcome(status="failed", error=str(exc))
            # Every tier merely unavailable (server down, key unset) is not the item's fault: it
            # does not use up one of max_attempts, so a few bad nights never skip the item for good.
            not_counted = isinstance(exc, NoCapableTier) and exc.only_unavailable
        paid = [c for c in outcome.calls if not c.get("reused")]
        cost = sum(c.get("cost_usd") or 0.0 for c in outcome.calls)
        tiers = outcome.tier_counts()
        split = "/".join(f"{tier} {count}" for tier, count in tiers.items()) or "no calls"
        if outcome.status == "done":
            result = Path(outcome.result_path or "")
            link = os.path.relpath(result, item.file.resolve().parent) if outcome.result_path else ""
            note = f"[result]({Path(link).as_posix()}) · {len(outcome.calls)} calls · ${cost:.4f} · {split}"
            if not update_item(
                item.file, item.id, lambda f, i: mark_done(f, i, summary=note, day=self.today), file_key=item.file_key
            ):
                self.progress.log(f"  note: the item is no longer in {item.file_key} (edited meanwhile); result kept")
            queue.finish(
                item.id,
                status="done",
                cost_usd=sum(c.get("cost_usd") or 0.0 for c in paid),
                calls=len(paid),
                result_path=outcome.result_path,
            )
            agent.forget(item.id)  # the file and the queue have it now: the checkpoints are spent
            self.progress.item_finished(item.id, True, cost, f"{split} ${cost:.6f} → {link}")
        else:
            reason = " ".join((outcome.error or "failed").split())[:160]
            message = f"failed (attempt {attempt}/{max_attempts}): {reason} — ledger run {self.run_id}"
            if not_counted:
                message = f"failed (not counted as an attempt): {reason} — ledger run {self.run_id}"
            note = agent.restore_notes.pop(item.id, "")
            if note:  # what the rollback kept: the user's own later edits
                message = message.replace(f" — ledger run {self.run_id}", f" · {note} — ledger run {self.run_id}")
            message = self.progress.redact(message) or message
            update_item(item.file, item.id, lambda f, i: mark_failed(f, i, message=message), file_key=item.file_key)
            queue.finish(
                item.id,
                status="failed",
                cost_usd=sum(c.get("cost_usd") or 0.0 for c in paid),
                calls=len(paid),
                error=reason,
            )
            if not_counted:
                queue.release(item.id, attempts_back=True)
            agent.forget(item.id)
            self.progress.item_finished(item.id, False, cost, reason)
        with lock:
            summary.reused_calls += len(outcome.calls) - len(paid)
            if outcome.status == "done":
                summary.done += 1
            else:
                summary.failed += 1
            summary.items.append(
                {
                    "id": item.id,
                    "title": info.title,
                    "status": outcome.status,
                    "recipe": outcome.recipe,
                    "calls": len(outcome.calls),
                    "cost_usd": round(cost, 6),
                    "tiers": tiers,
                    "error": outcome.error,
                    "result": outcome.result_path,
                }
            )
        return None

    def _totals(self, ledger: Ledger, summary: RunSummary) -> None:
        """Calls per tier, cost and the all-premium estimate, from the ledger rows of this run."""
        premium_name = self.config.premium_tier
        premium = self.config.tiers[premium_name]
        estimate = 0.0
        estimable = True
        for row in ledger.iter_calls("run_id = ? AND status = 'ok'", [self.run_id]):
            tier = row.get("tier") or "-"
            summary.calls_by_tier[tier] = summary.calls_by_tier.get(tier, 0) + 1
            if row.get("cost_usd") is None:
                summary.unpriced_calls += 1
            else:
                summary.cost_usd += float(row["cost_usd"])
            usage = Usage(
                input_tokens=row.get("input_tokens"),
                output_tokens=row.get("output_tokens"),
                cache_read_tokens=row.get("cache_read_tokens") or 0,
                cache_write_tokens=row.get("cache_write_tokens") or 0,
                input_includes_cache=bool(row.get("input_includes_cache", 1)),
            )
            priced = price_tokens(premium.model, usage, provider=premium.provider, price=premium.price)
            if priced.usd is None:
                estimable = False
            else:
                estimate += priced.usd
        if summary.calls_by_tier and estimable:
            summary.premium_estimate_usd = estimate
            if estimate > 0:
                summary.saving_pct = (1 - summary.cost_usd / estimate) * 100
        try:
            for cap in budget_status(self.config, ledger, run_id=self.run_id):
                if cap.fraction >= self.config.budgets.warn_at:
                    summary.warnings.append(
                        f"budget {cap.name}: ${cap.spent_usd:.4f} of ${cap.cap_usd:.2f} spent ({cap.fraction:.0%})"
                    )
        except AgentRunnerError:
            pass


def summary_line(summary: RunSummary) -> str:
    """``done 3/3 · local 6 calls · premium 3 calls · $0.0334 (all-premium estimate $0.1150, −71%)``"""
    tiers = " · ".join(f"{tier} {count} calls" for tier, count in summary.calls_by_tier.items()) or "no calls"
    if summary.dry_run:
        return (
            f"dry run: {summary.selected} item(s) planned and routed, nothing called · "
            f"worst-case estimate ${summary.estimate_usd or 0:.6f} · {summary.wall_s:.1f}s"
        )
    if summary.selected == 0:
        skipped = f" ({summary.skipped} skipped after max_attempts)" if summary.skipped else ""
        return f"nothing to do{skipped} · {summary.wall_s:.1f}s"
    text = f"done {summary.done}/{summary.selected} · "
    if summary.failed:
        text += f"failed {summary.failed} · "
    text += f"{tiers} · ${summary.cost_usd:.4f}"
    if summary.premium_estimate_usd is not None:
        saving = f", −{summary.saving_pct:.0f}%" if summary.saving_pct is not None else ""
        text += f" (all-premium estimate ${summary.premium_estimate_usd:.4f}{saving})"
    text += f" · {summary.wall_s:.1f}s"
    if summary.stopped == "budget":
        text += " · stopped by a budget: run again to resume"
    elif summary.stopped == "interrupted":
        text += " · interrupted: run again to resume"
    return text


def run(config: Config, options: RunOptions, *, progress: Progress | None = None) -> RunSummary:
    return Runner(config, options, progress=progress).run()


def summary_json(summary: RunSummary) -> str:
    return json.dumps(summary.as_dict(), ensure_ascii=False, separators=(",", ":"))


__all__ = [
    "Progress",
    "RunOptions",
    "RunSummary",
    "Runner",
    "run",
    "run_lock",
    "summary_json",
    "summary_line",
    "todo_files",
]
