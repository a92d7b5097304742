"""The project's files (its Python modules, a file by its name), found without walking into
virtualenvs and caches.

``Path.rglob("*.py")`` walks every folder before a caller can filter it: a project with a
``.venv`` beside it has tens of thousands of site-packages modules read as directory entries
for each check that looks for the project's own code (the facts check, the version bump, the
duplicate-definition check). Pruning while walking visits only the project.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

# folders that are never the project's own code: tool state, environments, build output
SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", ".tox", ".mypy_cache"})
MAX_WALKED = 20_000  # modules listed at most, before sorting (a bound on a pathological tree)


def _walk(root: Path, keep: Callable[[str], bool], skip_dirs: Iterable[str] = ()) -> list[str]:
    """The files under ``root`` whose name ``keep`` accepts, as sorted relative POSIX paths, never
    inside a hidden folder, one of ``SKIP_DIRS`` or one of ``skip_dirs``."""
    skip = SKIP_DIRS | set(skip_dirs)
    found: list[str] = []
    for current, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
        here = PurePosixPath(Path(current).relative_to(root).as_posix())
        found += [(here / name).as_posix() for name in files if keep(name)]
        if len(found) >= MAX_WALKED:
            break
    found.sort(key=lambda path: PurePosixPath(path).parts)
    return found


def python_modules(root: Path, *, skip_dirs: Iterable[str] = (), limit: int | None = None) -> list[str]:
    """The ``.py`` files under ``root`` (see :func:`_walk`); the first ``limit`` of them if given."""
    found = _walk(root, lambda name: name.endswith(".py"), skip_dirs)
    return found if limit is None else found[:limit]


DATA_SUFFIXES = (".toml", ".json", ".csv", ".ini", ".cfg", ".yaml", ".yml")


def data_files(root: Path, *, skip_dirs: Iterable[str] = ()) -> list[str]:
    """The project's configuration and data files (TOML, JSON, CSV, INI, YAML), see :func:`_walk`."""
    return _walk(root, lambda name: name.lower().endswith(DATA_SUFFIXES), skip_dirs)


def files_named(root: Path, name: str) -> list[str]:
    """The project's files called ``name`` (a bare file name), in any of its folders."""
    return _walk(root, lambda found: found == name)


def project_files(root: Path) -> list[str]:
    """The project's tracked files (git), else its files (at most 5,000)."""
    git = shutil.which("git")
    if git and (root / ".git").exists():
        try:
            done = subprocess.run([git, "ls-files"], cwd=root, capture_output=True, timeout=30, check=False)
            if done.returncode == 0:
                return [line for line in done.stdout.decode("utf-8", "replace").splitlines() if line][:5000]
        except (OSError, subprocess.SubprocessError):
            pass
    found: list[str] = []
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in {"__pycache__", "node_modules", "venv"})
        found += [(Path(current) / name).relative_to(root).as_posix() for name in sorted(files)]
        if len(found) >= 5000:
            break
    return found[:5000]


# how an item names a module without its path: `pkg/mod.py`'s "mod.py", "pkg.mod", "the mod module"
_BARE_PY = re.compile(r"(?<![\w/.-])([A-Za-z_]\w*\.py)\b")
_DOTTED = re.compile(r"(?<![\w/.-])`?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)`?(?![\w/-])")
_MODULE_WORDS = (
    re.compile(r"`?([A-Za-z_]\w*)`?\s+module\b", re.IGNORECASE),
    re.compile(r"\bmodule\s+`?([A-Za-z_]\w*)`?", re.IGNORECASE),
)


def modules_named(root: Path, item_text: str) -> list[str]:
    """The project's own modules (not its tests) an item names without their path, in order:
    ``summary.py`` (one file of that name), ``birdlog.summary`` (the dotted module path), "the
    ratings module" (one ``ratings.py``). A name two folders share names none."""
    modules = [m for m in python_modules(root, limit=2000) if not m.startswith("tests/") and "/tests/" not in m]
    by_file: dict[str, list[str]] = {}
    for module in modules:
        by_file.setdefault(PurePosixPath(module).name, []).append(module)
    found: list[tuple[int, str]] = []

    def add(position: int, paths: list[str]) -> None:
        if len(paths) == 1 and paths[0] not in [path for _, path in found]:
            found.append((position, paths[0]))

    for match in _BARE_PY.finditer(item_text):
        add(match.start(), by_file.get(match.group(1), []))
    for match in _DOTTED.finditer(item_text):
        dotted = match.group(1).replace(".", "/")
        exact = [m for m in modules if m.removeprefix("src/") in (f"{dotted}.py", f"{dotted}/__init__.py")]
        if not exact and "/" in dotted:
            # "grades.parse_grade": a module then its function, the module named inside its package
            # (heldout20 parse-grade-tests: boulderlog/grades.py)
            head = dotted.rsplit("/", 1)[0]
            exact = [m for m in modules if m.removeprefix("src/").endswith(f"/{head}.py") or m == f"{head}.py"]
        add(match.start(), exact)
    for pattern in _MODULE_WORDS:
        for match in pattern.finditer(item_text):
            add(match.start(), by_file.get(f"{match.group(1)}.py", []))
    return [path for _, path in sorted(found)]


__all__ = [
    "DATA_SUFFIXES", "SKIP_DIRS", "data_files", "files_named", "modules_named", "project_files", "python_modules"
]  # fmt: skip
