"""``agentrunner doctor``: is this installation fit to run overnight?

Each check returns one :class:`Check` (``ok`` / ``warn`` / ``FAIL`` and one line of detail, which
for a problem says how to fix it). Checks only read: databases are opened read-only (``mode=ro``),
nothing is created or migrated, and the run lock is inspected through ``/proc/locks`` so that a
``run`` starting at the same moment never sees the doctor holding its lock.

A check that crashes is itself reported as ``FAIL`` with the exception, so one broken part never
hides the others.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from .config import DATA_DIR_ENV, Config, find_config, load_config
from .dbcheck import lost_rows
from .errors import AgentRunnerError, ProviderError
from .migrations import MIGRATIONS, schema_version
from .providers import create_provider
from .providers.base import Availability

Status = Literal["ok", "warn", "FAIL"]

# Free space below which a run is likely to die mid-write (ledger rows, WAL, result files).
DISK_FAIL_BYTES = 20 * 1024 * 1024
DISK_WARN_BYTES = 200 * 1024 * 1024
LOCK_FILENAME = "run.lock"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: ``status`` is ``ok``, ``warn`` or ``FAIL``."""

    name: str
    status: Status
    detail: str

    def line(self, width: int = 16) -> str:
        return f"{self.status:<4}  {self.name:<{width}} {self.detail}"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class DoctorReport:
    checks: list[Check]

    @property
    def failed(self) -> bool:
        return any(check.status == "FAIL" for check in self.checks)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def lines(self) -> list[str]:
        width = max((len(check.name) for check in self.checks), default=10) + 1
        return [check.line(width) for check in self.checks]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.failed,
            "exit_code": self.exit_code,
            "checks": [check.as_dict() for check in self.checks],
        }


def _guarded(name: str, fn: Callable[[], Check | list[Check]]) -> list[Check]:
    """Run one check; an unexpected exception becomes a FAIL line instead of a traceback."""
    try:
        result = fn()
    except AgentRunnerError as exc:
        return [Check(name, "FAIL", str(exc))]
    except Exception as exc:  # a diagnostic tool must report, not crash
        return [Check(name, "FAIL", f"{type(exc).__name__}: {exc}")]
    return result if isinstance(result, list) else [result]


# ── config ─────────────────────────────────────────────────────────────────────────────────────


def check_config(path: Path | None) -> tuple[Check, Config | None]:
    try:
        config = load_config(path)
    except AgentRunnerError as exc:
        return Check("config", "FAIL", str(exc)), None
    where = config.source_path or path or find_config()
    detail = f"{where}: {len(config.tiers)} tier(s) ({', '.join(config.tiers)}), {len(config.rules)} rule(s)"
    return Check("config", "ok", detail), config


def check_redaction(config: Config) -> Check:
    patterns = config.ledger.patterns()
    if not config.ledger.default_redact:
        return Check(
            "redaction",
            "warn",
            f"default key patterns are off (ledger.default_redact = false); {len(patterns)} own pattern(s)",
        )
    return Check("redaction", "ok", f"{len(patterns)} pattern(s) scrub keys before anything is stored")


def check_sandbox(config: Config) -> Check:
    """Whether commands (the ``shell`` and ``run`` tools) can run confined here; without a working
    sandbox those tools are disabled, never run unconfined."""
    from .sandbox import bwrap_path, sandbox_status

    wanted = [tool for tool in config.agent.tools if tool in ("shell", "run")]
    why = sandbox_status()
    if why is None:
        return Check("sandbox", "ok", f"bubblewrap ({bwrap_path()}): commands confined to the workspace, no network")
    if wanted:
        return Check("sandbox", "warn", f"{' and '.join(wanted)} {'is' if len(wanted) == 1 else 'are'} disabled: {why}")
    return Check("sandbox", "ok", f"unavailable, not needed (no command tool enabled): {why}")


# ── tiers ──────────────────────────────────────────────────────────────────────────────────────


def tier_availability(config: Config, tier: str) -> Availability:
    """What ``Gateway.availability`` answers, without opening (or creating) the ledger."""
    try:
        return create_provider(tier, config.tiers[tier], config.base_dir).check_available()
    except ProviderError as exc:
        return Availability(False, exc.message)


def check_tiers(config: Config) -> list[Check]:
    checks: list[Check] = []
    available = 0
    for name, tier in config.tiers.items():
        result = tier_availability(config, name)
        label = f"tier {name}"
        model = tier.model_path or tier.model
        if result.ok:
            available += 1
            checks.append(Check(label, "ok", f"{tier.provider} {model}: available"))
        else:
            checks.append(Check(label, "warn", f"{tier.provider} {model}: unavailable: {result.reason}"))
    if available == 0:
        # One unavailable tier is normal (routing skips it); none at all means nothing can run.
        checks.append(Check("tiers", "FAIL", "no tier is available: nothing can be run"))
    return checks


# ── databases ──────────────────────────────────────────────────────────────────────────────────


def _open_readonly(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def _integrity(conn: sqlite3.Connection, quick: bool) -> list[str]:
    pragma = "quick_check" if quick else "integrity_check"
    return [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}").fetchall()]


def _corrupt(name: str, path: Path, problem: str, what: str) -> Check:
    return Check(
        name,
        "FAIL",
        f"{path}: corrupt ({problem}); move it aside (mv {path} {path}.broken) to start a new {what}, "
        "or restore it from a backup",
    )


def _database_error(name: str, path: Path, exc: sqlite3.DatabaseError, what: str) -> Check:
    text = str(exc)
    if any(word in text for word in ("not a database", "malformed", "corrupt")):
        return _corrupt(name, path, text, what)
    return Check(name, "FAIL", f"{path}: cannot read ({text}); check the file and its directory's permissions")


def _writable_problem(path: Path) -> str | None:
    if not os.access(path.parent, os.W_OK):
        return f"directory {path.parent} is not writable"
    if path.exists() and not os.access(path, os.W_OK):
        return f"{path} is read-only"
    return None


def check_ledger(path: Path, *, quick: bool = False, state_path: Path | None = None) -> list[Check]:
    name = "ledger"
    lost = lost_rows(path, state_path or path.with_name("state.db"))
    if lost is not None:
        return [Check(name, "FAIL", lost)]
    if not path.exists():
        if not path.parent.exists() or os.access(path.parent, os.W_OK):
            return [Check(name, "ok", f"{path}: not created yet (created by the first call)")]
        return [Check(name, "FAIL", f"{path}: directory {path.parent} is not writable")]
    try:
        conn = _open_readonly(path)
        try:
            problems = _integrity(conn, quick)
            if problems != ["ok"]:
                return [_corrupt(name, path, "; ".join(problems[:3]), "ledger")]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = (
                [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY id")]
                if "migrations" in tables
                else []
            )
            calls = conn.execute("SELECT count(*) FROM calls").fetchone()[0] if "calls" in tables else 0
            stale = _stale_reservations(conn) if "reservations" in tables else 0
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [_database_error(name, path, exc, "ledger")]
    checks = [Check(name, "ok", f"{path}: integrity ok, {calls} call(s)")]
    known = [migration.__name__ for migration in MIGRATIONS]
    unknown = [migration for migration in applied if migration not in known]
    if len(applied) > schema_version() or unknown:
        checks.append(
            Check(
                "ledger schema",
                "FAIL",
                f"{path}: schema version {len(applied)} is newer than this agentrunner understands "
                f"({schema_version()}); upgrade agentrunner",
            )
        )
    elif len(applied) < schema_version():
        checks.append(
            Check(
                "ledger schema",
                "warn",
                f"version {len(applied)} of {schema_version()}: migrated automatically on next open",
            )
        )
    else:
        checks.append(Check("ledger schema", "ok", f"version {len(applied)} (current)"))
    problem = _writable_problem(path)
    if problem:
        checks.append(Check("ledger write", "FAIL", f"{problem}: calls cannot be recorded; fix its permissions"))
    if stale:
        checks.append(
            Check(
                "reservations",
                "warn",
                f"{stale} budget reservation(s) of processes that no longer exist (dropped by the next run)",
            )
        )
    return checks


def _stale_reservations(conn: sqlite3.Connection) -> int:
    from .budgets import pid_alive

    return sum(1 for (pid,) in conn.execute("SELECT pid FROM reservations") if not pid_alive(int(pid or 0)))


def check_state(path: Path, *, quick: bool = False, lock_held: bool = False) -> list[Check]:
    name = "state"
    if not path.exists():
        return [Check(name, "ok", f"{path}: not created yet (created by the first run)")]
    try:
        conn = _open_readonly(path)
        try:
            problems = _integrity(conn, quick)
            if problems != ["ok"]:
                return [_corrupt(name, path, "; ".join(problems[:3]), "queue (items are re-read from tasks/)")]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            counts: dict[str, int] = {}
            if "items" in tables:
                counts = dict(conn.execute("SELECT status, count(*) FROM items GROUP BY status").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [_database_error(name, path, exc, "queue (items are re-read from tasks/)")]
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items())) or "no items"
    checks = [Check(name, "ok", f"{path}: integrity ok, {summary}")]
    running = counts.get("running", 0)
    if running and not lock_held:
        checks.append(
            Check(
                "interrupted", "warn", f"{running} item(s) were running when a run stopped; the next run resumes them"
            )
        )
    problem = _writable_problem(path)
    if problem:
        checks.append(Check("state write", "FAIL", f"{problem}: runs cannot save progress; fix its permissions"))
    return checks


# ── the run lock ───────────────────────────────────────────────────────────────────────────────


def lock_holders(path: Path) -> list[int] | None:
    """Pids holding any lock (flock or fcntl) on ``path``, from ``/proc/locks``; None if that
    file is unavailable (not Linux). Reading it takes no lock, so a starting run is never
    disturbed."""
    try:
        table = Path("/proc/locks").read_text()
        stat = path.stat()
    except OSError:
        return None
    wanted = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    pids: list[int] = []
    for line in table.splitlines():
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (blocked waiters have a "->" field)
        if "->" in fields:
            continue
        for index, field in enumerate(fields):
            if field.count(":") == 2 and index > 0:
                if _same_inode(field, wanted):
                    pids.append(int(fields[index - 1]))
                break
    return pids


def _same_inode(field: str, wanted: str) -> bool:
    major, minor, inode = field.split(":")
    want_major, want_minor, want_inode = wanted.split(":")
    try:
        return (int(major, 16), int(minor, 16), int(inode)) == (
            int(want_major, 16),
            int(want_minor, 16),
            int(want_inode),
        )
    except ValueError:
        return False


def _try_lock(path: Path) -> bool:
    """Fallback where /proc/locks is missing: True if a non-blocking flock would be refused."""
    with open(path, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _lock_owner_text(path: Path) -> str:
    try:
        text = path.read_text("utf-8", errors="replace").strip()
    except OSError:
        return ""
    return " ".join(text.split())[:120]


def check_lock(path: Path) -> tuple[Check, bool]:
    """Whether ``agentrunner run`` is going now (the lock is held), and by whom."""
    if not path.exists():
        return Check("run lock", "ok", f"{path}: free (no run has started here yet)"), False
    holders = lock_holders(path)
    held = bool(holders) if holders is not None else _try_lock(path)
    owner = _lock_owner_text(path)
    if held:
        by = f"pid {', '.join(map(str, holders))}" if holders else f"pid {owner}" if owner.isdigit() else "a process"
        extra = f" ({owner})" if owner and not owner.isdigit() else ""
        return Check("run lock", "ok", f"held by {by}{extra}: a run is in progress"), True
    return Check("run lock", "ok", f"{path}: free"), False


# ── disk ───────────────────────────────────────────────────────────────────────────────────────


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk(data_dir: Path, *, fail_bytes: int = DISK_FAIL_BYTES, warn_bytes: int = DISK_WARN_BYTES) -> Check:
    usage = shutil.disk_usage(_existing(data_dir))
    free_mb = usage.free / 1024 / 1024
    detail = f"{free_mb:,.0f} MB free at {_existing(data_dir)}"
    if usage.free < fail_bytes:
        return Check("disk", "FAIL", f"{detail}: below {fail_bytes // 1024 // 1024} MB, runs will fail; free space")
    if usage.free < warn_bytes:
        return Check("disk", "warn", f"{detail}: below {warn_bytes // 1024 // 1024} MB")
    return Check("disk", "ok", detail)


# ── all together ───────────────────────────────────────────────────────────────────────────────


def data_dir_for(config: Config | None, config_path: Path | None) -> Path:
    if config is not None:
        return config.data_dir
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return (config_path or find_config()).resolve().parent / ".agentrunner"


def run_doctor(
    config_path: Path | None = None,
    *,
    quick: bool = False,
    tiers: bool = True,
    skip: Iterable[str] = (),
) -> DoctorReport:
    """Every check, in order: config, redaction, tiers, lock, ledger, state, disk."""
    skipped = set(skip)
    checks: list[Check] = []
    config_check, config = check_config(config_path)
    checks.append(config_check)
    if config is not None:
        checks += _guarded("redaction", lambda: check_redaction(config))
        checks += _guarded("sandbox", lambda: check_sandbox(config))
        if tiers and "tiers" not in skipped:
            checks += _guarded("tiers", lambda: check_tiers(config))
    data_dir = data_dir_for(config, config_path)
    lock_held = False

    def lock() -> Check:
        nonlocal lock_held
        check, lock_held = check_lock(data_dir / LOCK_FILENAME)
        return check

    checks += _guarded("run lock", lock)
    ledger_path = config.ledger_path if config else data_dir / "ledger.db"
    state_path = config.state_path if config else data_dir / "state.db"
    checks += _guarded("ledger", lambda: check_ledger(ledger_path, quick=quick, state_path=state_path))
    checks += _guarded("state", lambda: check_state(state_path, quick=quick, lock_held=lock_held))
    checks += _guarded("disk", lambda: check_disk(data_dir))
    return DoctorReport(checks)


__all__ = [
    "Check",
    "DoctorReport",
    "check_config",
    "check_disk",
    "check_ledger",
    "check_lock",
    "check_sandbox",
    "check_state",
    "check_tiers",
    "lock_holders",
    "run_doctor",
]
