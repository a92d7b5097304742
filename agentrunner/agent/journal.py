"""Per-item transactions: an undo journal of every workspace path an item changes.

Before any tool changes a path (``write_file``, ``replace_identifier``, ``csv_to_markdown``, the
edit tools, and every file a command the agent runs creates, changes or deletes), the path's
original bytes and permission bits — or "absent", with the parent folders the write will create —
are recorded in ``.agentrunner/journal/<item>/`` and fsynced *before* the write happens. After the
write, the hash of what the agent left is recorded too.

- A done item discards its journal (after its to-do line is ticked).
- A failed item, one whose escalation gave up, one interrupted (SIGINT/SIGTERM), stopped by a
  budget or killed (``kill -9``: found by the next run) is rolled back: every journaled path gets its
  original bytes and mode again; files and folders the item created are removed.
- The user's work is never lost: only journaled paths are touched, and a path whose bytes are no
  longer what the agent left there (the user edited it meanwhile) is kept as it is and named in the
  item's warning line.
- Savepoints: each step of an item starts at a savepoint; a step re-run (escalation to a stronger
  tier, or a step cut off by a kill) first rolls back to it, so it starts from the files as they
  were before the step.
- ``--jobs``: the first write of a path locks it for the item until the item ends; another item
  that wants it gets :class:`~agentrunner.errors.PathBusy` (it is rolled back and run again after
  the holder ends — it never waits while holding a lock, so there is no deadlock).

Commands (the ``shell`` tool, the tests the verification runs) cannot say in advance which files
they will change, so the workspace is snapshotted before one runs (stat of every file, bytes of
files up to :data:`SNAPSHOT_FILE_CAP` within :data:`SNAPSHOT_TOTAL_CAP`, in one fsynced file) and
compared after it; the changes are journaled as if a tool had made them. ``.git``, the data folder,
the to-do folder and environments (``.venv``, ``venv``, ``node_modules``, ``.tox``) are not part of
the snapshot. A command killed mid-way leaves its snapshot, and
the next run journals the command's changes from it before rolling back.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import shutil
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..atomic import fsync_folder as _fsync_dir
from ..errors import PathBusy

SNAPSHOT_FILE_CAP = 8 * 1024 * 1024
SNAPSHOT_TOTAL_CAP = 64 * 1024 * 1024
ENTRIES = "entries.jsonl"
ROLLED_BACK = "rolled-back"  # marker: the item's files were restored; its checkpoint is stale
SNAPSHOT = "snapshot"
# environments, not the project: big, and no allowed command writes them
UNSNAPSHOTTED = {".venv", "venv", "node_modules", ".tox", ".nox"}
# caches the allowed commands write as they run (pytest, ruff, mypy, bytecode): journaled, so a
# rollback removes them, but a cache file written is no change the item made (issue 12: the
# loop's own pytest run left .pytest_cache/README.md, which the "covers" check took for a summary)
TOOL_CACHES = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


@dataclass
class RestoreReport:
    """What a rollback did; ``note`` is the part the item's warning line shows."""

    restored: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed by someone else after the agent wrote them
    lost: list[str] = field(default_factory=list)  # changed by a command, too big to have been snapshotted

    def note(self) -> str:
        parts = []
        if self.kept:
            parts.append(
                "kept your later edit of "
                + ", ".join(f"`{p}`" for p in self.kept)
                + " (changed after the agent wrote it; the agent's change is not undone there)"
            )
        if self.lost:
            parts.append("could not restore " + ", ".join(f"`{p}`" for p in self.lost) + " (larger than the snapshot)")
        return "; ".join(parts)

    def merge(self, other: RestoreReport) -> None:
        for name in ("restored", "removed", "kept", "lost"):
            mine: list[str] = getattr(self, name)
            mine += [p for p in getattr(other, name) if p not in mine]


@dataclass
class FileChange:
    """One path an item (or a step) changed: its bytes before and now (None: absent)."""

    path: str
    before: bytes | None
    after: bytes | None

    def diff(self, limit: int = 400) -> str:
        """A unified diff (``--- a/x`` / ``+++ b/x``); binary files are named, not shown."""
        if b"\0" in (self.before or b"") or b"\0" in (self.after or b""):
            return f"Binary file {self.path} changed\n"
        old = (self.before or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (self.after or b"").decode("utf-8", "replace").splitlines(keepends=True)
        lines = list(
            difflib.unified_diff(
                old,
                new,
                "/dev/null" if self.before is None else f"a/{self.path}",
                "/dev/null" if self.after is None else f"b/{self.path}",
            )
        )
        lines = [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines]
        if len(lines) > limit:
            lines = [*lines[:limit], f"[… {len(lines) - limit} more diff lines]\n"]
        return "".join(lines)


class ItemJournal:
    """The undo journal of one item: append-only ``entries.jsonl`` plus the original bytes."""

    def __init__(self, folder: Path, root: Path, item_id: str) -> None:
        self.folder = folder
        self.root = root
        self.item_id = item_id
        self.entries: list[dict[str, Any]] = self._load()
        # the run's change lock (Transactions.mutex): a rollback is a change like any other, and a
        # command of another item comparing its snapshot must not see it half done
        self.lock: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()

    # -- storage ---------------------------------------------------------------------------

    def _load(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        try:
            text = (self.folder / ENTRIES).read_text("utf-8")
        except FileNotFoundError:
            return entries
        for line in text.splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:  # a line torn by a crash mid-append: the write it announced never began
                break
        return entries

    def _ensure(self) -> None:
        if not self.folder.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "blobs").mkdir(exist_ok=True)
            _fsync_dir(self.folder.parent)

    def _append(self, entry: dict[str, Any]) -> None:
        self._ensure()
        with open(self.folder / ENTRIES, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.entries.append(entry)

    def _rewrite(self, entries: list[dict[str, Any]]) -> None:
        self._ensure()
        atomic_write(self.folder / ENTRIES, "".join(json.dumps(e, ensure_ascii=True) + "\n" for e in entries))
        self.entries = entries
        live = {e.get("blob") for e in entries if e.get("blob")}
        for blob in (self.folder / "blobs").glob("*.bin"):
            if blob.name not in live:
                blob.unlink(missing_ok=True)

    @property
    def exists(self) -> bool:
        return self.folder.is_dir()

    @property
    def rolled_back(self) -> bool:
        return (self.folder / ROLLED_BACK).exists()

    def clear_rolled_back(self) -> None:
        (self.folder / ROLLED_BACK).unlink(missing_ok=True)

    def mark_rolled_back(self) -> None:
        self._ensure()
        _write_durably(self.folder / ROLLED_BACK, b"")
        _fsync_dir(self.folder)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.entries = []

    def has_changes(self) -> bool:
        return any(e["op"] == "before" for e in self.entries)

    # -- recording -------------------------------------------------------------------------

    def _segment_start(self) -> int:
        for index in range(len(self.entries) - 1, -1, -1):
            if self.entries[index]["op"] == "savepoint":
                return index + 1
        return 0

    def journaled(self, rel: str) -> bool:
        """The path's bytes at the start of the current segment are already recorded."""
        return any(e["op"] == "before" and e["path"] == rel for e in self.entries[self._segment_start() :])

    def paths(self) -> list[str]:
        seen: list[str] = []
        for entry in self.entries:
            if entry["op"] == "before" and entry["path"] not in seen:
                seen.append(entry["path"])
        return seen

    def record_before(self, rel: str, *, data: bytes | None = None, mode: int | None = None, dirs: list[str]) -> None:
        """Record ``rel``'s current state (``data``/``mode`` given: a snapshot's copy), fsynced."""
        if self.journaled(rel):
            if dirs:
                self._append({"op": "dirs", "dirs": dirs})
            return
        path = self.root / rel
        if data is None and mode is None:
            data = _read(path)
            mode = stat.S_IMODE(path.stat().st_mode) if data is not None else None
        entry: dict[str, Any] = {"op": "before", "path": rel, "exists": data is not None, "dirs": dirs}
        if data is not None:
            self._ensure()
            blob = f"{len(self.entries):06d}-{_sha(rel.encode())[:8]}.bin"
            _write_durably(self.folder / "blobs" / blob, data)
            _fsync_dir(self.folder / "blobs")
            entry.update({"sha": _sha(data), "mode": mode, "blob": blob})
        self._append(entry)

    def record_after(self, rel: str) -> None:
        data = _read(self.root / rel)
        self._append({"op": "after", "path": rel, "sha": None if data is None else _sha(data)})

    def record_lost(self, rel: str) -> None:
        self._append({"op": "lost", "path": rel})

    # -- savepoints and rollback -----------------------------------------------------------

    def savepoint(self, key: str) -> RestoreReport | None:
        """Start a step: roll back to the step's savepoint when it has one (the step runs again),
        else set it. Returns the rollback's report, or None when there was nothing to undo."""
        with self.lock:
            for index, entry in enumerate(self.entries):
                if entry["op"] == "savepoint" and entry["key"] == key:
                    if index == len(self.entries) - 1:
                        return None
                    report = self._undo(self.entries[index + 1 :])
                    self._rewrite(self.entries[: index + 1])
                    return report
            self._append({"op": "savepoint", "key": key})
            return None

    def restore_all(self) -> RestoreReport:
        """Undo everything the item did; the journal is left empty (and marked rolled back)."""
        with self.lock:
            report = self._undo(self.entries)
            self._rewrite([])
            return report

    def _undo(self, entries: list[dict[str, Any]]) -> RestoreReport:
        report = RestoreReport()
        first: dict[str, dict[str, Any]] = {}
        last_after: dict[str, str | None] = {}
        dirs: list[str] = []
        lost: set[str] = set()
        for entry in entries:
            if entry["op"] == "before":
                first.setdefault(entry["path"], entry)
                dirs += [d for d in entry.get("dirs", []) if d not in dirs]
            elif entry["op"] == "after":
                last_after[entry["path"]] = entry["sha"]
            elif entry["op"] == "dirs":
                dirs += [d for d in entry["dirs"] if d not in dirs]
            elif entry["op"] == "lost":
                lost.add(entry["path"])
        for rel in reversed(list(first)):
            original = first[rel]
            path = self.root / rel
            current = _read(path)
            current_sha = None if current is None else _sha(current)
            if current_sha == original.get("sha") and (current is None) == (not original["exists"]):
                if original["exists"]:
                    with contextlib.suppress(OSError):
                        os.chmod(path, original["mode"])
                continue
            if rel in last_after and current_sha != last_after[rel]:
                report.kept.append(rel)  # not what the agent left: someone edited it since
                continue
            if rel in lost:
                report.lost.append(rel)
                continue
            if original["exists"]:
                data = (self.folder / "blobs" / original["blob"]).read_bytes()
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                atomic_write(path, data)
                os.chmod(path, original["mode"])
                report.restored.append(rel)
            elif current is not None or path.is_symlink():
                path.unlink(missing_ok=True)
                report.removed.append(rel)
        for rel in sorted(dirs, key=lambda d: d.count("/"), reverse=True):
            folder = self.root / rel
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: a file someone else put there keeps its folder
                report.removed.append(rel + "/")
        return report

    # -- what changed ----------------------------------------------------------------------

    def changes(self, since: str | None = None) -> list[FileChange]:
        """Each path changed since the savepoint ``since`` (None: since the item began), with its
        bytes then and now; paths whose bytes are back to what they were are left out."""
        start = 0
        if since is not None:
            for index, entry in enumerate(self.entries):
                if entry["op"] == "savepoint" and entry["key"] == since:
                    start = index + 1
                    break
        found: dict[str, bytes | None] = {}
        for entry in self.entries[start:]:
            if entry["op"] == "before" and entry["path"] not in found:
                found[entry["path"]] = (self.folder / "blobs" / entry["blob"]).read_bytes() if entry["exists"] else None
        changes = []
        for rel, before in found.items():
            after = _read(self.root / rel)
            if after is not None and TOOL_CACHES.intersection(rel.split("/")):
                continue  # written by a tool as it ran (a cache deleted is still a change)
            if after != before:
                changes.append(FileChange(rel, before, after))
        return changes

    def original(self, rel: str) -> tuple[bool, bytes | None]:
        """(journaled?, bytes at the item's start): the first record of the path."""
        for entry in self.entries:
            if entry["op"] == "before" and entry["path"] == rel:
                blob = entry.get("blob")
                return True, (self.folder / "blobs" / blob).read_bytes() if blob else None
        return False, None


# -- command snapshots ------------------------------------------------------------------------


class Transactions:
    """The workspace's write guard (``Workspace.guard``): per-item journals, path locks, the
    command snapshots. One per run; items on several threads share it."""

    def __init__(self, journal_dir: Path, root: Path, *, exclude: list[Path] | None = None) -> None:
        self.journal_dir = journal_dir
        self.root = root
        self.exclude = [p.resolve() for p in (exclude or [])] + [root / ".git"]
        self.journals: dict[str, ItemJournal] = {}
        self.locks: dict[str, str] = {}  # path → item id
        self.mutex = threading.RLock()  # one change at a time: a command's before/after compare sees only its own

    @staticmethod
    def folder_name(item_id: str) -> str:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in item_id)[:80]
        return safe if safe == item_id else f"{safe}-{_sha(item_id.encode())[:12]}"

    def journal(self, item_id: str) -> ItemJournal:
        with self.mutex:
            if item_id not in self.journals:
                self.journals[item_id] = ItemJournal(self.journal_dir / self.folder_name(item_id), self.root, item_id)
                self.journals[item_id].lock = self.mutex
                self._finish_pending_snapshot(self.journals[item_id])
            return self.journals[item_id]

    def leftover_ids(self) -> list[str]:
        """Items with a journal on disk (a killed or stopped run left it)."""
        if not self.journal_dir.is_dir():
            return []
        ids = []
        for folder in sorted(self.journal_dir.iterdir()):
            item_file = folder / "item"
            if item_file.is_file():
                ids.append(item_file.read_text("utf-8").strip())
        return ids

    def begin(self, item_id: str) -> ItemJournal:
        journal = self.journal(item_id)
        if not (journal.folder / "item").exists():
            journal._ensure()
            _write_durably(journal.folder / "item", item_id.encode())
        return journal

    def end(self, item_id: str, *, discard: bool) -> None:
        """The item is over: release its locks (and drop its journal when it is done or restored)."""
        with self.mutex:
            for path in [p for p, holder in self.locks.items() if holder == item_id]:
                del self.locks[path]
            journal = self.journals.pop(item_id, None)
            if discard:
                (journal or ItemJournal(self.journal_dir / self.folder_name(item_id), self.root, item_id)).discard()

    # -- the hooks the workspace calls -----------------------------------------------------

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _claim(self, rel: str, item_id: str) -> None:
        holder = self.locks.get(rel)
        if holder is not None and holder != item_id:
            raise PathBusy(rel, holder)
        self.locks[rel] = item_id

    def _missing_dirs(self, path: Path) -> list[str]:
        missing = []
        parent = path.parent
        while parent != self.root and not parent.exists():
            missing.append(self.rel(parent))
            parent = parent.parent
        return missing

    @contextlib.contextmanager
    def writing(self, path: Path, task_id: str | None) -> Iterator[None]:
        journal = self.journals.get(task_id or "")
        if journal is None:
            yield
            return
        with self.mutex:
            rel = self.rel(path)
            self._claim(rel, journal.item_id)
            journal.record_before(rel, dirs=self._missing_dirs(path))
            try:
                yield
            finally:
                journal.record_after(rel)

    @contextlib.contextmanager
    def command(self, task_id: str | None) -> Iterator[None]:
        journal = self.journals.get(task_id or "")
        if journal is None:
            yield
            return
        with self.mutex:
            self._take_snapshot(journal)
            try:
                yield
            finally:
                self._finish_pending_snapshot(journal)

    # -- snapshots -------------------------------------------------------------------------

    def _walk(self) -> tuple[dict[str, os.stat_result], list[str]]:
        files: dict[str, os.stat_result] = {}
        dirs: list[str] = []
        for current, subdirs, names in os.walk(self.root):
            here = Path(current)
            subdirs[:] = [d for d in subdirs if d not in UNSNAPSHOTTED and (here / d).resolve() not in self.exclude]
            for d in subdirs:
                dirs.append(self.rel(here / d))
            for name in names:
                path = here / name
                with contextlib.suppress(OSError):
                    info = path.lstat()
                    if stat.S_ISREG(info.st_mode):
                        files[self.rel(path)] = info
        return files, dirs

    def _take_snapshot(self, journal: ItemJournal) -> None:
        journal._ensure()
        folder = journal.folder / SNAPSHOT
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        files, dirs = self._walk()
        manifest: dict[str, dict[str, Any]] = {}
        total = 0
        with open(folder / "data.bin", "wb") as data:
            for rel, info in files.items():
                entry: dict[str, Any] = {
                    "size": info.st_size,
                    "mtime_ns": info.st_mtime_ns,
                    "ino": info.st_ino,
                    "mode": stat.S_IMODE(info.st_mode),
                }
                if (
                    not journal.journaled(rel)
                    and info.st_size <= SNAPSHOT_FILE_CAP
                    and total + info.st_size <= SNAPSHOT_TOTAL_CAP
                ):
                    content = _read(self.root / rel)
                    if content is not None:
                        entry.update({"offset": data.tell(), "length": len(content)})
                        data.write(content)
                        total += len(content)
                manifest[rel] = entry
            data.flush()
            os.fsync(data.fileno())
        _write_durably(folder / "manifest.json", json.dumps({"files": manifest, "dirs": dirs}).encode())
        _fsync_dir(folder)

    def _finish_pending_snapshot(self, journal: ItemJournal) -> None:
        """Journal what changed since the snapshot (a command ended — or was killed mid-way)."""
        folder = journal.folder / SNAPSHOT
        try:
            saved = json.loads((folder / "manifest.json").read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            shutil.rmtree(folder, ignore_errors=True)  # killed before the snapshot was complete: the command never ran
            return
        before: dict[str, dict[str, Any]] = saved["files"]
        files, dirs = self._walk()
        new_dirs = sorted(set(dirs) - set(saved["dirs"]))
        with open(folder / "data.bin", "rb") as data:
            for rel in sorted(set(before) | set(files)):
                old, now = before.get(rel), files.get(rel)
                if (
                    old is not None
                    and now is not None
                    and (old["size"], old["mtime_ns"], old["ino"], old["mode"])
                    == (now.st_size, now.st_mtime_ns, now.st_ino, stat.S_IMODE(now.st_mode))
                ):
                    continue
                holder = self.locks.get(rel)
                if holder is not None and holder != journal.item_id:
                    continue  # another item's file (its write happened under its own lock)
                self.locks[rel] = journal.item_id
                if journal.journaled(rel):
                    journal.record_after(rel)
                    continue
                parents = [d for d in new_dirs if rel.startswith(d + "/")]
                if old is None:
                    journal.record_before(rel, data=None, mode=0, dirs=parents)
                elif "offset" in old:
                    data.seek(old["offset"])
                    content = data.read(old["length"])
                    if (
                        now is not None
                        and _read(self.root / rel) == content
                        and stat.S_IMODE(now.st_mode) == old["mode"]
                    ):
                        continue  # touched, same bytes
                    journal.record_before(rel, data=content, mode=old["mode"], dirs=parents)
                else:
                    journal.record_before(rel, data=None, mode=0, dirs=parents)
                    journal.record_lost(rel)
                journal.record_after(rel)
        leftover_dirs = [d for d in new_dirs if not any(f.startswith(d + "/") for f in files)]
        if leftover_dirs:
            journal._append({"op": "dirs", "dirs": leftover_dirs})
        shutil.rmtree(folder, ignore_errors=True)


def roll_back_leftovers(transactions: Transactions, *, keep: set[str]) -> list[tuple[str, RestoreReport]]:
    """At the start of a run: the journal a killed or stopped run left for an item this run will
    not work is rolled back now (the item's checkpoint, if any, is stale from then on: its next run
    starts it afresh, its finished calls answered from the ledger). Items in ``keep`` are rolled
    back — or resumed — by the agent itself when it starts them."""
    done = []
    for item_id in transactions.leftover_ids():
        if item_id in keep:
            continue
        journal = transactions.journal(item_id)
        if journal.entries:
            done.append((item_id, journal.restore_all()))
            journal.mark_rolled_back()
        transactions.end(item_id, discard=False)
    return done


def named_paths_overlap(a: list[str], b: list[str]) -> bool:
    """Two items name a common path (or one names a folder holding the other's file)."""
    for left in a:
        for right in b:
            x, y = left.strip("/"), right.strip("/")
            if x == y or x.startswith(y + "/") or y.startswith(x + "/"):
                return True
    return False


__all__ = [
    "SNAPSHOT_FILE_CAP",
    "SNAPSHOT_TOTAL_CAP",
    "FileChange",
    "ItemJournal",
    "RestoreReport",
    "Transactions",
    "named_paths_overlap",
    "roll_back_leftovers",
]
