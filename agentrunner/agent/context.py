"""What a developer would open first, shown in the task: the files the item names, the files
holding what it quotes or the names it mentions, the code a failing test points at, and TODO markers."""

from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath
from typing import Any

from .actions import clip
from .evidence import item_words, stem
from .facts import sources_about
from .guide import MARKERS
from .replies import path_of
from .sources import python_modules
from .testing import test_files

MAX_FILE_CHARS = 6_000  # one named file in the first prompt
MAX_FILES_CHARS = 12_000  # all of them


# `x` of any length (a short one like `,` must not pair its closing backtick with the next one)
_QUOTED = re.compile(r'"([^"\n]{4,80})"|“([^”\n]{4,80})”|`([^`\n]{1,80})`')
_TRACEBACK_FILE = re.compile(r"^([\w./-]+\.py):\d+:", re.MULTILINE)
MAX_FOUND_FILES = 2


def files_about(ctx: Any, text: str, title: str = "") -> list[str]:
    """Files holding what an item that names no file quotes ("Inventroy file not found"), the
    functions and classes it names (`load_items`: where it is defined), or the words of a command
    it names (`stockroom summary`, `--weeks`: where they are string literals, as an argparse CLI
    has them); the files most of them point at first. When what the title quotes is found, files
    found only by the context's words are left out (a field name in the context matched a model
    class's property, shown first, and Qwen2.5-Coder-1.5B changed that class)."""
    hits: dict[str, int] = {}
    for groups in _QUOTED.findall(text):
        token = next(g for g in groups if g)
        # `Item.value` (a member of a class, not a file): where the class is defined
        member = re.fullmatch(r"[A-Z]\w*(?:\.[a-z_]\w*)+", token) and not (ctx.workspace.root / token).exists()
        if len(token) < 3 or (path_of(token) is not None and not member):
            continue  # a named file: shown already when it exists
        if re.fullmatch(r"[A-Za-z_]\w*", token) or member:
            pattern = rf"^\s*(?:async\s+)?(?:def|class)\s+{token.split('.')[0]}\b"
        elif groups[2] and re.fullmatch(r"-{0,2}[\w-]+(?: +-{0,2}[\w-]+)*", token):
            words = [w for w in token.split() if not re.fullmatch(r"[A-Z]+", w)]  # `--limit N`: N is a value
            pattern = "[\"']({})[\"']".format("|".join(re.escape(w) for w in words)) if words else re.escape(token)
        else:
            pattern = re.escape(token)
        outcome = ctx.tool("grep", {"pattern": pattern})
        if not outcome.ok:
            continue
        weight = TITLE_WEIGHT if f"`{token}`" in title or f'"{token}"' in title else 1
        for path in dict.fromkeys(line.split(":", 1)[0] for line in outcome.output.splitlines()):
            if path.endswith(".py") and (ctx.workspace.root / path).is_file():
                hits[path] = hits.get(path, 0) + weight
    if any(score >= TITLE_WEIGHT for score in hits.values()):
        hits = {path: score for path, score in hits.items() if score >= TITLE_WEIGHT}
    return sorted(hits, key=lambda path: -hits[path])


TITLE_WEIGHT = 100  # a file found by what the item's title quotes outranks any number of context hits

PAGE_SUFFIXES = {".md", ".rst", ".txt", ".markdown", ".adoc"}


# a command an item quotes: `gamenight ratings`, `python -m birdlog totals`
_COMMAND = re.compile(r"`(?:python3? -m )?([a-z_][\w-]*) ([a-z][\w-]*)(?: [^`\n]*)?`")
_NEW_OPTION = re.compile(r"(?<![\w-])--[a-z][\w-]*")


def command_code(root: Path, cli_module: str, item_text: str) -> list[str]:
    """The project modules the code of a command the item quotes calls into (the handler of
    `` `gamenight ratings` ``: ``leaderboard`` in ratings.py, ``read_plays`` in plays.py), those
    the item's words name first. A bug an item reports by what a command prints is in what the
    handler calls, not in the CLI module that the quoted command's words point at: shown only
    cli.py, Qwen rewrote ``cmd_ratings`` as it was (heldout12 fix-tied-game-rating). Empty for an
    item asking for an option (that is the CLI module's work) or when no handler is found."""
    try:
        source = (root / cli_module).read_text("utf-8")
        tree = ast.parse(source)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return []
    # an option the CLI has already (`rides --club` shows a `no` ride) is how the bug shows, not work
    # for the CLI module (heldout15 club-flag-bug: shown only cli.py, Qwen rewrote `main`)
    if any(f'"{option}"' not in source and f"'{option}'" not in source for option in _NEW_OPTION.findall(item_text)):
        return []
    package = PurePosixPath(cli_module).parent
    commands = [m.group(2) for m in _COMMAND.finditer(item_text) if m.group(1).replace("-", "_") == package.name]
    if not commands:
        return []
    imported: dict[str, str] = {}  # name → the project module defining it
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            relative = node.module.replace(".", "/")
            if node.level:
                relative = (package / relative).as_posix()
            for candidate in (f"{relative}.py", f"src/{relative}.py"):
                if (root / candidate).is_file() and candidate != cli_module:
                    imported.update({alias.asname or alias.name: candidate for alias in node.names})
                    break
    def calls_in(nodes: list[ast.AST]) -> set[str]:
        return {
            imported[call.func.id]
            for node in nodes
            for call in ast.walk(node)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in imported
        }

    # what the function reading the arguments does for every command (`batches = load_batches(…)`):
    # the rows each handler gets (heldout11 fix-lowercase-species, heldout13 fix-negative-abv: the
    # bug was in reading them) — not its branches for one command
    readers = [
        f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "parse_args"
                for c in ast.walk(f))
    ]  # fmt: skip
    common = calls_in([
        stmt for reader in readers for stmt in reader.body
        if not (isinstance(stmt, ast.If) and any(isinstance(c, ast.Constant) and isinstance(c.value, str)
                                                for c in ast.walk(stmt.test)))
    ])  # fmt: skip
    reached: list[set[str]] = []
    for command in commands:
        word = command.replace("-", "_")
        bodies: list[ast.AST] = [
            n for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and word in n.name.split("_")
        ]  # fmt: skip
        bodies += [
            n for n in ast.walk(tree)
            if isinstance(n, ast.If)
            and any(isinstance(c, ast.Constant) and c.value == command for c in ast.walk(n.test))
        ]  # fmt: skip
        if bodies:
            reached.append(calls_in(bodies) | common)
    words = {stem(w.lower()) for w in re.findall(r"[A-Za-z]{3,}", item_text)}
    ranked = modules_by_words(root, item_text)

    def named(module: str) -> bool:  # "a row is blank" names rows.py
        return any(stem(part) in words for part in PurePosixPath(module).stem.lower().split("_") if len(part) >= 3)

    modules = sorted({m for found in reached for m in found})
    # what every command the item quotes reaches first: two commands gone wrong share their cause
    return sorted(
        modules,
        key=lambda m: (
            -sum(m in found for found in reached), not named(m), ranked.index(m) if m in ranked else len(ranked)
        ),
    )


def page_sources(root: Path, writes: list[str], item_text: str) -> list[str]:
    """The modules a new page the item writes (``docs/grading.md``) is about, as the facts check
    reads them (:func:`facts.sources_about`): the ones named by the item's words first. Held-out
    grading-docs (session 11): quoting no name, the item was shown only the file list; Qwen wrote
    README.md, then made up the numbers, then rewrote the modules to match them."""
    if not any(PurePosixPath(p).suffix.lower() in PAGE_SUFFIXES and not (root / p).exists() for p in writes):
        return []
    words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", item_text)}
    modules = [
        m
        for m in sources_about(root, item_text, "")
        if m.endswith(".py") and not test_files([m]) and PurePosixPath(m).name != "__init__.py"
    ]
    return sorted(modules, key=lambda m: (not _stem_named(PurePosixPath(m).stem, words), m))


MIN_SHARED_WORDS = 2  # a module sharing fewer of the item's words is no better than the file list


def modules_by_words(root: Path, item_text: str) -> list[str]:
    """The project's modules whose names (identifiers, split at ``_``, and comments' words) share
    the most of the item's words, best first: what to show an item that names no file and quotes
    nothing found in the code. Held-out fix-drop-lowest (session 11): "Quiz averages are wrong
    since the last refactor" with `drop_lowest = 1` was shown the file list only, and Qwen wrote
    every file of it from imagination."""
    words = item_words(item_text)
    scored: list[tuple[int, str]] = []
    for module in python_modules(root, limit=MAX_SCANNED_MODULES):
        if test_files([module]) or PurePosixPath(module).name in ("__init__.py", "conftest.py"):
            continue
        try:
            text = (root / module).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        tokens: set[str] = set()
        for token in set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", text)):
            tokens.add(token.lower())
            tokens.update(stem(part) for part in re.split(r"_+|(?<=[a-z])(?=[A-Z])", token) if len(part) >= 4)
        shared = len(words & tokens)
        if shared >= MIN_SHARED_WORDS:
            scored.append((shared, module))
    return [module for _, module in sorted(scored, key=lambda pair: (-pair[0], pair[1]))]


MAX_SCANNED_MODULES = 400  # modules read at most (a bound on a large project)


def _stem_named(module_stem: str, words: set[str]) -> bool:
    return any(part in words for part in module_stem.lower().split("_") if len(part) >= 3)


def traceback_files(root: Path, output: str) -> list[str]:
    """The project's non-test source files a failing test's output points at."""
    found: list[str] = []
    for path in _TRACEBACK_FILE.findall(output):
        if path not in found and not test_files([path]) and (root / path).is_file():
            found.append(path)
    return found


def marker_lines(ctx: Any, text: str) -> str:
    """An item about TODO/FIXME comments starts with where they are (grep's answer)."""
    if not MARKERS.search(text):
        return ""
    outcome = ctx.tool("grep", {"pattern": MARKERS.pattern})
    # not the to-do list's own lines (the item and its context): Qwen took them for the code's
    # TODOs and wrote the item into tasks/todo.md (issue 12, list-todos)
    lines = outcome.output.splitlines() if outcome.ok else []
    to_do_lists = {match.group(1) for line in lines if (match := _CHECKLIST_LINE.match(line))}
    return clip("\n".join(line for line in lines if line.split(":", 1)[0] not in to_do_lists))


_CHECKLIST_LINE = re.compile(r"^([^:\n]+):\d+:\s*[-*]\s+\[[ xX]\]\s")


_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.MULTILINE)


def imported_by(root: Path, tests: list[str]) -> list[str]:
    """The project's modules the given test files import (the code a failing test is about)."""
    found: list[str] = []
    for test in tests:
        try:
            text = (root / test).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for groups in _IMPORT.findall(text):
            module = (groups[0] or groups[1]).replace(".", "/")
            for candidate in (f"{module}.py", f"{module}/__init__.py"):
                if (root / candidate).is_file() and candidate not in found:
                    found.append(candidate)
                    break
    return found


def named_files(ctx: Any, paths: list[str]) -> dict[str, str]:
    """The numbered text of each existing file among paths, within the prompt's budget."""
    shown: dict[str, str] = {}
    budget = MAX_FILES_CHARS
    for path in dict.fromkeys(paths):
        target = ctx.workspace.root / path
        if not target.is_file() or budget <= 0:
            continue
        outcome = ctx.tool("read_file", {"path": path, "line_numbers": True})
        if not outcome.ok:
            continue
        text = outcome.output
        limit = min(MAX_FILE_CHARS, budget)
        if len(text) > limit:
            text = text[:limit] + "\n[… more lines: READ the file to see them]"
        shown[path] = text
        budget -= len(text)
    return shown


_CALLED = re.compile(r"([A-Za-z_]\w*)\s*\(")


def defining_first(root: Path, found: list[str], failing: str) -> list[str]:
    """Of the modules a failing test touches, those defining what its failing line (pytest's
    ``>`` line) calls, without the others: shown the test's every imported module, a small model
    rewrote a dataclass the test merely builds (Qwen2.5-Coder-1.5B on fix-failing-test, where
    `needs_reorder` in another module was the bug). All of them when none defines it."""
    called = {name for line in failing.splitlines() if line.startswith(">") for name in _CALLED.findall(line)}
    if not called:
        return found
    defining = []
    for path in found:
        try:
            text = (root / path).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if any(re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(name)}\b", text, re.M) for name in called):
            defining.append(path)
    return defining or found
