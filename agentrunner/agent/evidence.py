"""Does what an item changed show the work it asks for? General checks, no model (issue 12).

A ticked item must be a done item. The other checks ask whether the changes parse, echo no
template, keep code, hold what the item quotes; these ask whether the changes are the item's work
at all — the ways a weak model's wrong work got ticked, or could be:

- ``relevance`` — each changed file is about the item: the item names it (or a file of the same
  stem: ``tests/test_reorder.py`` → ``reorder.py``), or what changed in it (the added and removed
  lines, the definitions they are in) holds one of the item's own words or quoted names. An item
  that names no output ("Draft the weekly notes") whose model wrote any file (``x.md``: "hello")
  and replied "x" was ticked: nothing looked at what was written.
- ``junk`` — a file the item created and does not name holds next to nothing (under 20 characters
  of text; an empty ``__init__.py`` or marker file is fine).
- ``tests kept`` — tests the item does not ask to change are not weakened to pass: no existing
  test function deleted or skipped, no assertion dropped, no test deselected by the pytest
  configuration (``--deselect``, ``-k``, ``collect_ignore`` …); and when the item says the tests are
  right ("the test is right", "fix the code, not the test") no existing test changed at all.
- ``shadowed`` — a name the item quotes that an existing module defines is not defined again in
  a new file the item does not name, while the old definition stays (the change must be where the
  name lives, not in a copy nobody calls); an item that moves it: not in any new file, named or
  not, while the old one stays (move-function was ticked with the function copied, not moved).
"""

from __future__ import annotations

import ast
import difflib
import re
from pathlib import Path, PurePosixPath

from .journal import FileChange
from .sources import python_modules

# words of an item that say nothing about what it is about: English glue and the verbs and
# nouns of any chore
_STOP = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "also",
        "always",
        "another",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "cannot",
        "could",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "either",
        "else",
        "ever",
        "every",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "itself",
        "just",
        "like",
        "more",
        "most",
        "must",
        "need",
        "needs",
        "never",
        "nothing",
        "once",
        "only",
        "other",
        "ours",
        "over",
        "same",
        "should",
        "since",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "upon",
        "very",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "without",
        "would",
        "your",
        "yours",
        "yesterday",
        "today",
        "please",
        "make",
        "made",
        "give",
        "gives",
        "take",
        "takes",
        "show",
        "shows",
        "shown",
        "keep",
        "kept",
        "ensure",
        "sure",
        "instead",
        "write",
        "writes",
        "written",
        "draft",
        "create",
        "created",
        "update",
        "updated",
        "change",
        "changes",
        "changed",
        "find",
        "found",
        "add",
        "adds",
        "added",
        "use",
        "used",
        "uses",
        "using",
        "fix",
        "fixes",
        "fixed",
        "put",
        "puts",
        "want",
        "wants",
        "thing",
        "things",
        "it's",
        "don't",
        "file",
        "files",
        "code",
        "function",
        "functions",
        "method",
        "methods",
        "class",
        "classes",
        "module",
        "modules",
        "test",
        "tests",
        "line",
        "lines",
        "item",
        "items",
        "project",
        "repo",
        "repository",
        "package",
        "right",
        "wrong",
        "work",
        "works",
        "working",
        "new",
        "old",
    ]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z][A-Za-z0-9_]*)*")
_QUOTED = re.compile(r"`([^`\n]{1,80})`|\"([^\"\n]{2,80})\"")
_PATHISH = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*[\w-]*\.[A-Za-z][\w]{0,8}|(?:[\w.-]+/)+[\w.-]*)(?![\w/-])")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ments", "ment", "ies", "es", "ed", "ly", "s", "e")
MIN_CONTENT = 20  # characters of text, whitespace left out: less is no content (recipes.degenerate)
_MARKERS = frozenset({"__init__.py", "py.typed", ".gitkeep", ".keep", ".nojekyll"})


def stem(word: str) -> str:
    """A crude stem: "notes" and "note", "summarise" and "summary", "sorted" and "sort" meet."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    if len(word) == 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]  # "rows" and `parse_row` meet (heldout11 fix-lowercase-species)
    return word


def item_words(item_text: str) -> set[str]:
    """Stems of what the item is about: the identifiers it quotes, and its words of 4+ letters that
    are no glue (``load_items``, ``reorder``, ``weekly``, ``notes``…)."""
    words: set[str] = set()
    for groups in _QUOTED.findall(item_text):
        for token in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", groups[0] or groups[1]):
            if len(token) >= 3 and token.lower() not in _STOP:
                words.add(token.lower())
    for token in _WORD.findall(item_text):
        for part in [token, *re.split(r"[-_]", token)]:
            if len(part) >= 4 and part.lower() not in _STOP:
                words.add(stem(part))
    # "down as 5lb 2oz. It was 5lb 14oz": a quantity's unit is what the code works with — `ounces`,
    # `GRAMS_PER_OZ` (heldout31 tench-pb-wrong: the hand fix of the weight parser was refused)
    for unit in _QUANTITY.findall(item_text):
        words |= _UNIT_WORDS.get(unit.lower(), frozenset())
    return words


_UNIT_WORDS: dict[str, frozenset[str]] = {
    unit: frozenset(words)
    for units, words in [
        (("lb", "lbs"), ("lb", "pound")),
        (("oz",), ("oz", "ounce")),
        (("kg", "kgs"), ("kg", "kilo")),
        (("km", "kms"), ("km", "kilomet")),
        (("mi", "miles"), ("mile",)),
        # "the band says 220 yd / 201 m": `METRES_PER_YARD` (heldout34 yards-too-long: the hand fix refused)
        (("yd", "yds"), ("yd", "yard")),
        (("ft",), ("ft", "foot", "feet")),
        (("gal",), ("gal", "gallon")),
        (("cm", "mm"), ("cm", "mm", "millimet", "centimet")),
        (("ml",), ("ml", "millilit")),
        (("min", "mins"), ("min", "minute")),
        (("hr", "hrs"), ("hour",)),
        (("kts", "knots"), ("knot", "kts")),
    ]
    for unit in units
}
_QUANTITY = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?([A-Za-z]{2,5})\b")


def _named_paths(item_text: str) -> set[str]:
    return {m.strip("`'\"").rstrip("/") for m in _PATHISH.findall(item_text) if m.strip("`'\".")}


def _path_named(path: str, named: set[str]) -> bool:
    """The item names this file: by its path, its name, or a file of the same stem (a module and its
    tests: ``test_reorder.py`` and ``reorder.py``), or a folder it is in."""
    pure = PurePosixPath(path)
    stems = {pure.stem.removeprefix("test_").removesuffix("_test").lower(), pure.name.lower()}
    for other in named:
        other_pure = PurePosixPath(other)
        if path == other or path.startswith(other + "/") or pure.name == other_pure.name:
            return True
        if other_pure.suffix and other_pure.stem.removeprefix("test_").removesuffix("_test").lower() in stems:
            return True
    return False


def _lines(data: bytes | None) -> list[str]:
    return (data or b"").decode("utf-8", "replace").splitlines()


def changed_text(change: FileChange) -> tuple[str, list[int]]:
    """The added and removed lines of a change (a new file: all of it), and the 1-based numbers of
    the changed lines in the file after it (removed lines: where they were)."""
    old, new = _lines(change.before), _lines(change.after)
    parts: list[str] = []
    numbers: list[int] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        parts += old[i1:i2] + new[j1:j2]
        numbers += list(range(j1 + 1, j2 + 1)) or [j1 + 1]
    return "\n".join(parts), numbers


def _enclosing(data: bytes | None, numbers: list[int], docstrings: bool = False) -> list[str]:
    """Names of the Python definitions (functions, classes) the given lines are in — and, asked
    for, their docstrings: what the code said the definition was about before the change
    (``parse_price``: "A price in pounds … as whole pence" for an item about totals "out by a few
    pence": heldout32 value-pennies-out, whose right fix was refused offline as about nothing)."""
    try:
        tree = ast.parse(data or b"")
    except (SyntaxError, ValueError):
        return []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            end = node.end_lineno or node.lineno
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if any(start <= n <= end for n in numbers):
                names.append(node.name)
                if docstrings and (doc := ast.get_docstring(node)):
                    names.append(doc)
    return names


def _mentions(text: str, words: set[str]) -> str | None:
    lowered = text.lower()
    for word in sorted(words):
        if re.search(rf"(?<![a-z0-9]){re.escape(word)}", lowered):
            return word
    return None


# "We're releasing 1.7.0 today" (heldout27 release-1-7, blind: the release recipe's right work was
# refused, "releasing" read as no version word)
_VERSION_ITEM = re.compile(r"\b(?:version\w*|releas\w*|bump\w*)\b", re.IGNORECASE)
_VERSION_NUMBER = re.compile(r"(?<![\w.])\d+\.\d+\.\d+(?![\w.]*\w)")


def relevance_problem(changes: list[FileChange], item_text: str) -> str | None:
    """A changed file the item does not name in which nothing that changed holds one of the
    item's words (see the module docstring)."""
    words = item_words(item_text)
    if not words:
        return None  # an item of glue words only ("Do it now"): nothing to compare with
    named = _named_paths(item_text)
    for change in changes:
        if _path_named(change.path, named):
            continue
        text, numbers = changed_text(change)
        if change.path.endswith((".py", ".pyi")):
            # the definitions changed, and what their docstrings said they were about before the change
            text += "\n" + " ".join(_enclosing(change.after, numbers) + _enclosing(change.before, numbers, True))
        # an existing module's name counts: "bests regression … `runlog bests`" is about runlog/bests.py
        # (not a new file's: notes.md written for "Draft the weekly notes" is no evidence)
        name = change.path if change.after is None else ""
        if change.before is not None and change.after is not None and change.path.endswith((".py", ".pyi")):
            name = PurePosixPath(change.path).stem
        if _mentions(f"{name}\n{text}", words):
            continue
        if _VERSION_ITEM.search(item_text) and _VERSION_NUMBER.search(text):
            continue  # "## [1.5.0] - 2026-06-01" in the changelog of a minor bump (heldout11 minor-release-bump)
        if any(version in text for version in _VERSION_NUMBER.findall(item_text)):
            continue  # the version the item names, written
        shown = ", ".join(sorted(words)[:8])
        return (
            f"{change.path}: nothing that changed there is about the item (none of its words: {shown}); "
            "write what the item asks, where it belongs, and change no other file"
        )
    return None


def _structured(path: str, data: bytes) -> bool:
    """A short file that is still something: data of a parsed kind (``{"a": 1}``), or Python that
    binds or imports a name (``x = 1``) — not a bare word."""
    suffix = PurePosixPath(path).suffix.lower()
    if not data.strip():
        return False
    if suffix in (".py", ".pyi"):
        try:
            return any(not isinstance(node, ast.Expr) for node in ast.parse(data).body)
        except (SyntaxError, ValueError):
            return False
    return suffix in (".json", ".toml", ".yaml", ".yml", ".cfg", ".ini")  # the parse check reads them


def junk_problem(changes: list[FileChange], item_text: str) -> str | None:
    """A file the item created, and does not name, that holds next to nothing."""
    named = _named_paths(item_text)
    for change in changes:
        if change.before is not None or change.after is None or _path_named(change.path, named):
            continue
        if PurePosixPath(change.path).name in _MARKERS and not change.after.strip():
            continue
        text = change.after.decode("utf-8", "replace")
        if len(re.sub(r"\s+", "", text)) < MIN_CONTENT and not _structured(change.path, change.after):
            return f"{change.path} is new and holds next to nothing ({text.strip()[:30]!r}): it is no work of the item"
    return None


# the item says the tests are right: the code is to change, not them
_TESTS_RIGHT = re.compile(
    r"\bthe\s+tests?\s+(?:is|are)\s+(?:right|correct|fine|good)\b|\bnot\s+the\s+tests?\b|"
    r"\b(?:don'?t|do\s+not|never|without)\s+(?:change|changing|touch|touching|edit|editing|modify|modifying)\s+"
    r"(?:the\s+|any\s+)?tests?\b",
    re.IGNORECASE,
)
# the item asks to change tests: "update the tests", "fix the test", "… and the tests", "remove the test"
_TESTS_ASKED = re.compile(
    r"\b(?:update|change|fix|edit|adjust|correct|rewrite|rename|modify|remove|delete|drop|skip|"
    r"replace|move)\w*\s+(?:the\s+|a\s+|its\s+|their\s+|this\s+|that\s+)?(?:\w+\s+)?tests?\b|"
    r"\band\s+(?:the\s+|its\s+|their\s+)?tests\b",
    re.IGNORECASE,
)
_MOVE = re.compile(r"\b(?:move|moving|moved|relocate)\b|\bout\s+of\b", re.IGNORECASE)
_SKIP_MARK = re.compile(r"\b(?:pytest\.mark\.(?:skip|skipif|xfail)|pytest\.skip|pytest\.xfail|unittest\.skip)\b")


def _is_test_path(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def defined_tests(tree: ast.Module, separator: str = ".") -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """A test module's test functions by name, those of ``Test*`` classes as ``Class<separator>name``
    (``.`` here, pytest's ``::`` for node ids)."""
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for child in node.body:
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name.startswith("test"):
                    found[f"{node.name}{separator}{child.name}"] = child
    return found


def _assertions(node: ast.AST) -> int:
    """Assert statements and ``pytest.raises``/``pytest.warns`` blocks in a test."""
    count = 0
    for child in ast.walk(node):
        if isinstance(child, ast.Assert) or (
            isinstance(child, ast.Call) and re.search(r"\b(?:raises|warns|approx)\b", ast.unparse(child.func))
        ):
            count += 1
    return count


def _skipped(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(_SKIP_MARK.search(ast.unparse(d)) for d in node.decorator_list) or any(
        isinstance(child, ast.Call) and _SKIP_MARK.search(ast.unparse(child.func)) for child in ast.walk(node)
    )


# where tests can be kept from running without touching them, and the words that do it
_TEST_CONFIG = frozenset({"conftest.py", "pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml", ".coveragerc"})
_DESELECT = re.compile(
    r"--deselect\b|--ignore\b|--ignore-glob\b|(?<![\w-])-k[\s=]|\bcollect_ignore\w*|"
    r"\bpytest_collection_modifyitems\b|\bpytest\.mark\.(?:skip|xfail)\w*|\bpytest\.skip\b"
)
_PYTEST_CONFIG_ASKED = re.compile(
    r"\b(?:pytest|test)\b[^.\n]{0,40}\b(?:config\w*|options?|addopts|settings?|ignore|skip)", re.I
)


def _added(change: FileChange) -> str:
    """The lines a change added (a new file: all of it)."""
    old, new = _lines(change.before), _lines(change.after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return "\n".join(line for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal" for line in new[j1:j2])


def weakened_tests_problem(changes: list[FileChange], item_text: str) -> str | None:
    """An existing test deleted, skipped or stripped of an assertion when the item asks for no
    change to the tests; any change to an existing test when the item says the tests are right."""
    strict = bool(_TESTS_RIGHT.search(item_text))
    plain = re.sub(r"`[^`\n]*`", " ", item_text)
    if not strict and _TESTS_ASKED.search(plain):
        return None
    for change in changes:
        deselects = _DESELECT.search(_added(change)) if PurePosixPath(change.path).name in _TEST_CONFIG else None
        if deselects and not _PYTEST_CONFIG_ASKED.search(plain):
            return f"{change.path}: `{deselects.group(0).strip()}` keeps tests from running; make the code pass them"
        if change.before is None or not _is_test_path(change.path):
            continue
        try:
            before = defined_tests(ast.parse(change.before))
            after = defined_tests(ast.parse(change.after)) if change.after is not None else {}
        except (SyntaxError, ValueError):
            continue  # the parse check reports it
        if not before:
            continue
        kept = {name: node for name, node in after.items() if name in before}
        if len(after) < len(before) or (change.after is None):
            gone = [name for name in before if name not in after] or list(before)
            return f"{change.path}: test(s) {', '.join(gone[:4])} deleted; the item asks for no test to go"
        for name, node in kept.items():
            old = before[name]
            if _skipped(node) and not _skipped(old):
                return f"{change.path}: {name} is now skipped; make the code pass it instead"
            if _assertions(node) < _assertions(old):
                return f"{change.path}: {name} lost an assertion; the tests are to pass as they are"
            if strict and ast.dump(node) != ast.dump(old):
                return f"{change.path}: {name} changed, but the item says the test is right: change the code"
    return None


def _top_definitions(data: bytes | None) -> set[str]:
    try:
        tree = ast.parse(data or b"")
    except (SyntaxError, ValueError):
        return set()
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}


def shadow_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """A new Python file (not a test, not named by the item) defines a name the item quotes that an
    existing module still defines: the change went into a copy, not where the name lives."""
    if root is None:
        return None
    quoted = {
        token for groups in _QUOTED.findall(item_text) for token in re.findall(r"[A-Za-z_]\w*", groups[0] or groups[1])
    }
    named = _named_paths(item_text)
    moving = bool(_MOVE.search(re.sub(r"`[^`\n]*`", " ", item_text)))
    for change in changes:
        if change.before is not None or change.after is None or not change.path.endswith(".py"):
            continue
        if _is_test_path(change.path) or (_path_named(change.path, named) and not moving):
            continue
        defined = _top_definitions(change.after) & quoted
        if not defined:
            continue
        for relative in python_modules(root):
            if relative == change.path or PurePosixPath(relative).name.startswith(".") or _is_test_path(relative):
                continue
            try:
                data = (root / relative).read_bytes()
            except OSError:
                continue
            twice = defined & _top_definitions(data)
            if twice:
                name = sorted(twice)[0]
                if moving:
                    return (
                        f"`{name}` is still defined in {relative}: moving it into {change.path} removes it "
                        f"there (and {relative} imports it from its new module where it uses it)"
                    )
                return (
                    f"{change.path} is new and defines `{name}` again, but {relative} defines it: change "
                    f"`{name}` in {relative} (a copy nobody imports does nothing)"
                )
    return None


def work_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """The first way the changes fail to show the item's work (see the module docstring), or None."""
    return (
        junk_problem(changes, item_text)
        or weakened_tests_problem(changes, item_text)
        or shadow_problem(changes, item_text, root)
        or relevance_problem(changes, item_text)
    )


__all__ = [
    "changed_text",
    "item_words",
    "junk_problem",
    "relevance_problem",
    "shadow_problem",
    "stem",
    "weakened_tests_problem",
    "work_problem",
]
