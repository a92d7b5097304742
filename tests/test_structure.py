"""The import graph of agentrunner/: no cycles, and no import from a lower layer to a higher one.

The graph is read with :mod:`ast` (nothing is imported or executed). Every import counts: module
level, inside functions, and under ``if TYPE_CHECKING:`` (a cycle hidden from the interpreter is
still a cycle for the reader).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "agentrunner"

#: Lowest first. A unit (top-level module or sub-package of agentrunner/) may import units of its
#: own layer or of a lower one, never of a higher one.
LAYERS: list[set[str]] = [
    # vocabulary: no agentrunner imports but these
    {"errors", "chat", "config", "redaction", "atomic", "timerange", "shared_file", "edits"},
    {"sandbox"},  # confines commands (the agent's, and the router's run of an answer's code)
    {"ledger", "ledger_pg", "migrations", "pricing", "dbcheck"},  # the record of calls (SQLite/PostgreSQL), prices
    {"providers", "toolcalls"},  # one attempt of one call; tool calls read from a model's text
    {"gateway", "budgets", "budgets_pg", "keys"},  # every call: retries, prices, ledger rows; caps, reservations; keys
    {"router"},  # which tier takes a step
    # what is built on calls and routing: the work, replay and reports
    {
        "todo",
        "queue",
        "tools",
        "agent",
        "runner",
        "replay",
        "reports",
        "importers",
        "push",
        "doctor",
        "server",  # the HTTP gateway (agentrunner serve)
    },
    {"cli", "__main__", ""},  # "" is agentrunner/__init__.py (the public API re-exports)
]


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name → file, for every .py under ``package`` (not templates/: example files)."""
    modules: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        if "templates" in path.relative_to(package).parts:
            continue
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module → the agentrunner modules it imports (``from . import x`` names the submodule x)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.add(submodule if submodule in modules else source)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def unit(module: str) -> str:
    """``agentrunner.router.rules`` → ``router``; ``agentrunner`` → ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle of ``graph`` (its nodes in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def layer_of(name: str) -> int:
    for number, layer in enumerate(LAYERS):
        if name in layer:
            return number
    raise AssertionError(f"agentrunner/{name or '__init__.py'} is in no layer: add it to LAYERS in {__file__}")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(module_files())


def test_no_module_imports_itself_in_a_circle(graph: dict[str, set[str]]) -> None:
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_no_cycle_between_packages(graph: dict[str, set[str]]) -> None:
    units: dict[str, set[str]] = {}
    for source, targets in graph.items():
        units.setdefault(unit(source), set()).update(unit(t) for t in targets if unit(t) != unit(source))
    cycle = find_cycle(units)
    assert cycle is None, "package cycle: " + " → ".join(cycle or [])


def test_every_unit_has_a_layer(graph: dict[str, set[str]]) -> None:
    for name in {unit(module) for module in graph}:
        layer_of(name)


def test_no_import_from_a_lower_layer_to_a_higher_one(graph: dict[str, set[str]]) -> None:
    upward = sorted(
        f"{source} (layer {layer_of(unit(source))}) imports {target} (layer {layer_of(unit(target))})"
        for source, targets in graph.items()
        for target in targets
        if layer_of(unit(target)) > layer_of(unit(source))
    )
    assert not upward, "\n".join(upward)


def test_the_checks_catch_what_they_claim(tmp_path: Path) -> None:
    """A cycle hidden behind TYPE_CHECKING and an upward import are both found (so the tests above
    can fail)."""
    package = tmp_path / "agentrunner"
    (package / "router").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "router" / "__init__.py").write_text("from .core import Router\n")
    (package / "router" / "core.py").write_text("from . import rules\nclass Router: ...\n")
    (package / "router" / "rules.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .core import Router\n"
    )
    (package / "config.py").write_text("def load():\n    from .router import Router\n")
    fake = import_graph(module_files(package))
    assert find_cycle(fake) == ["agentrunner.router.core", "agentrunner.router.rules", "agentrunner.router.core"]
    assert "agentrunner.router" in fake["agentrunner.config"]
    assert layer_of(unit("agentrunner.router")) > layer_of(unit("agentrunner.config"))


#: Files that may rename a temp file over a target themselves, and why.
OWN_RENAMES = {
    "atomic.py": "the one implementation",
    # To-do files shared with editors and `>>`: an exchange-and-recheck swap (renameat2), built on
    # atomic.py's temp naming, that atomic_write's plain replace cannot do.
    "shared_file.py": "RENAME_EXCHANGE swap that carries over concurrent appends",
    # The agent's file tools write relative to an O_NOFOLLOW directory fd (no symlink escape from
    # the workspace): a replace with src_dir_fd/dst_dir_fd, which atomic_write's paths cannot express.
    "tools.py": "dir_fd-relative replace inside the sandboxed workspace",
    # The embedded models (hundreds of MB) are assembled from their wheel parts straight to disk and
    # verified (sha256) before the rename: streamed, not buffered for atomic_write.
    "providers/embedded.py": "GGUF parts assembled and verified, then renamed",
}


def test_every_temp_file_and_rename_writer_uses_atomic() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in OWN_RENAMES:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                called = node.func.attr
                owner = node.func.value
                if called in {"mkstemp", "NamedTemporaryFile"} or (
                    called in {"replace", "rename"} and isinstance(owner, ast.Name) and owner.id == "os"
                ):
                    offenders.append(f"agentrunner/{name}:{node.lineno}: {called}")
    assert not offenders, "use agentrunner/atomic.py instead:\n" + "\n".join(offenders)


def test_only_the_ledger_touches_its_lock_and_transactions() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "ledger.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"_lock", "_write"}
                and "ledger" in ast.unparse(node.value).lower()
            ):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {ast.unparse(node)}")
    assert not offenders, "add a Ledger method instead:\n" + "\n".join(offenders)


def test_every_test_runs_with_its_own_home_and_no_user_paths(isolated_home: Path) -> None:
    """conftest's isolation: the importers' default locations are inside the test's tmp dir."""
    import os

    from agentrunner.importers import IMPORTERS
    from tests.conftest import USER_ENVIRONMENT

    assert Path.home() == isolated_home / "home"
    assert not [name for name in USER_ENVIRONMENT if name in os.environ]
    for importer in IMPORTERS.values():
        for path in importer.default_paths():
            assert isolated_home in path.parents, (importer, path)


def test_constraints_pin_every_dependency_within_its_declared_range() -> None:
    """constraints.txt (what the suite passed with, used by scripts/setup.sh) satisfies pyproject's
    ranges: the declared floors are at or below versions that were tested."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    root = PACKAGE.parent
    pins = {}
    for line in (root / "constraints.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    problems = []
    for text in declared:
        requirement = Requirement(text)
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name}: not in constraints.txt (run scripts/freeze_constraints.py)")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"{requirement.name}: constraints.txt has {pinned}, pyproject asks {requirement.specifier}")
    assert not problems, "\n".join(problems)
