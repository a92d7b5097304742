"""A bug the item shows by a command's output is gone from that output (issue 12).

"Rent bug: Rosa Delgado only took on C4 on 1 April 2026, but `python -m allot rent --year 2025`
bills her £139.51, a whole year, same as A1." Qwen2.5-Coder-1.5B added an unrelated
``if plot.area_m2 < 125`` to the rent function; the tests passed, code changed, and it was ticked
(heldout17 late-start-rent-bug) — while the command still printed ``C4  Rosa Delgado  £139.51``.
A reviewer reproduces the bug first and looks again after the fix; so does this.

When the item reads as a program fix (a bug, something wrong, a crash, "should") and quotes a
command of the project (`` `python -m allot rent --year 2025` ``, `` `hivelog due` `` — a package
with a ``__main__.py``, no placeholder arguments), the command runs once in the sandbox, read-only,
before the item's work starts, and again when the work is done. The *symptom lines* are the lines
of the first output that show a value the item quotes (``£139.51``, ``2026-06-23``, ``5``) — or,
when it quotes none that the output shows, a name it mentions (``Priya``, ``Clover``, ``C4``). When
every symptom line is still printed, unchanged and as often, the fix did not touch what the item
shows, and the work is refused. An item whose command crashed (a traceback) is refused when it
still crashes with the same last line. No decision when the command does not run clean before the
work (an argparse error, a timeout, no sandbox), or when its output shows nothing the item quotes:
no right fix is refused for what the item leaves out.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

from ..tools import Workspace
from .checks import NOT_RIGHT
from .cli_runs import project_python, runnable_packages
from .options import asked_options

# the item says the program does something wrong (a feature request quoting a command runs it
# with an option it does not have yet: an argparse error, no decision)
_FIX = re.compile(
    r"\b(?:bugs?|broken|crash\w*|fix\w*|wrong\w*|incorrect\w*|should\w*|shouldn'?t|regress\w*|traceback"
    r"|too (?:low|high|many|few|short|long)|twice|instead of|off)\b"
    # "has me climbing on 2026-03-04, plus days in July?! I was at the wall in early April, not then"
    # (heldout20 april-dates-in-march: not read as a bug, the command was not run)
    r"|\?!|!\?|\bnot (?:then|there|that day)\b"
    rf"|{NOT_RIGHT}",  # "… so that can't be right" (heldout43 tiddler-undercharged)
    re.IGNORECASE,
)
_CRASH = re.compile(r"\b(?:crash\w*|traceback|exception|\w+Error)\b", re.IGNORECASE)
_QUOTED = re.compile(r"`([^`\n]+)`")
_PLACEHOLDER = re.compile(
    r"^(?:<.*>|\[.*\]|\{.*\}|\.\.\.|…|Y{2,4}(?:-M{1,2}(?:-D{1,2})?)?|[A-Z]+_[A-Z_]+|DATE|DAY|FILE|PATH|NAME|N|NUM|ID)$"
)
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# a date written in words names a day, not a value the output prints: "on 1 April 2026", "13 March"
_WORD_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\b(?:\s+\d{{4}})?|\b{_MONTHS}\s+\d{{1,2}}\b(?:,?\s+\d{{4}})?"
)
_VALUE = re.compile(r"(?<![\w.])(?:\d{4}-\d{2}-\d{2}|\d+(?:[.,:]\d+)*)(?![\w]|\.\d)")
# a name the item mentions: capitalised (Rosa, DL1ABC) or letters and digits (C4, 40m)
_NAME = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z]+|[A-Za-z]+\d[A-Za-z\d]*|\d+[A-Za-z]+)(?![\w-])")
_COMMON = frozenset(re.findall(r"\w+", "A I The This That These Those It Its If When Then And But Or Not No So"))
_COMMON |= {"Also", "Only", "Some", "Every", "All", "Now", "Please", "Bug", "Fix", "Python"}
_TRACEBACK = "Traceback (most recent call last)"


def _command(root: Path, item_text: str) -> list[str] | None:
    """The words of the project command the item quotes (after ``python -m``), options and their
    values included; None when it quotes none, or one with a placeholder argument."""
    packages = set(runnable_packages(root))
    found: list[list[str]] = []
    for quote in _QUOTED.findall(item_text):
        try:
            words = shlex.split(quote)
        except ValueError:
            continue
        if words[:2] in (["python", "-m"], ["python3", "-m"]):
            words = words[2:]
        if words and words[0] in packages and not any(_PLACEHOLDER.match(word) for word in words[1:]):
            found.append(words)
    # the fullest is the reproduction: "`shelf overdue` lists books due today … shows up in `python -m
    # shelf overdue --today 2026-03-02`" (heldout3 fix-due-today: the bare one runs on the real today)
    return max(found, key=len) if found else None


def _new_options(root: Path, package: str, item_text: str) -> list[str]:
    """The options the item names that the package's code does not have yet (``--json`` to add)."""
    folder = next((f for f in (root / package, root / "src" / package) if f.is_dir()), None)
    code = ""
    for path in sorted(folder.rglob("*.py")) if folder else []:
        try:
            code += path.read_text("utf-8", errors="replace")
        except OSError:
            continue
    return [option for option, _ in asked_options(item_text) if f'"{option}"' not in code and f"'{option}'" not in code]


def _tokens(item_text: str, command: list[str]) -> tuple[list[str], list[str]]:
    """The values (numbers, ISO dates) and the names the item quotes, outside its command."""
    text = _QUOTED.sub(lambda m: " " if _command_like(m.group(1), command) else m.group(1), item_text)
    text = _WORD_DATE.sub(" ", text)
    skip = set(command)
    values = [v for v in dict.fromkeys(_VALUE.findall(text)) if v not in skip]
    names = [n for n in dict.fromkeys(_NAME.findall(text)) if n not in skip and n not in _COMMON]
    return values, names


def _command_like(quote: str, command: list[str]) -> bool:
    return bool(command) and command[0] in quote.split()


def _lines_with(output: str, tokens: list[str]) -> list[str]:
    found = []
    for line in output.splitlines():
        if any(re.search(rf"(?<![\w.]){re.escape(token)}(?![\w]|\.\d)", line) for token in tokens):
            found.append(line.rstrip())
    return found


def _run(workspace: Workspace, words: list[str], *, task_id: str, timeout: float) -> tuple[int, str] | None:
    python, env = project_python(workspace.root, words[0])
    try:
        done = workspace.run_argv([python, "-m", *words], timeout=timeout, task_id=task_id, env=env, writable=False)
    except (subprocess.TimeoutExpired, OSError):
        return None
    return done.returncode, done.stdout.decode("utf-8", "replace")


def capture_symptom(workspace: Workspace, item_text: str, *, task_id: str, timeout: float) -> dict[str, Any] | None:
    """Before the work: the quoted command's output and the lines of it showing what the item
    quotes, or None when there is nothing to compare (see the module's docstring)."""
    if not _FIX.search(item_text) or "run" not in workspace.enabled:
        return None
    words = _command(workspace.root, item_text)
    if words is None or _new_options(workspace.root, words[0], item_text):
        return None  # an option to add is a feature: what the command prints now is no bug
    ran = _run(workspace, words, task_id=task_id, timeout=timeout)
    if ran is None:
        return None
    code, output = ran
    if _TRACEBACK in output:
        if not _CRASH.search(item_text):
            return None
        return {"words": words, "crashed": _last_line(output), "lines": [], "tokens": []}
    if code != 0:
        return None
    values, names = _tokens(item_text, words)
    for tokens in (values, names):
        shown = [token for token in tokens if _lines_with(output, [token])]
        if shown:
            return {"words": words, "crashed": None, "lines": _lines_with(output, shown), "tokens": shown}
    return None


def symptom_problem(workspace: Workspace, symptom: dict[str, Any], *, task_id: str, timeout: float) -> str | None:
    """After the work: what the quoted command still shows of the bug, or None."""
    words = list(symptom["words"])
    ran = _run(workspace, words, task_id=task_id, timeout=timeout)
    if ran is None:
        return None
    _, output = ran
    shown = shlex.join(["python", "-m", *words])
    if symptom.get("crashed"):
        if _TRACEBACK in output and _last_line(output) == symptom["crashed"]:
            return f"`{shown}` still crashes: {symptom['crashed']}. Run it, read the traceback, and fix the cause"
        return None
    before = Counter(symptom["lines"])
    after = Counter(_lines_with(output, list(symptom["tokens"])))
    if not before or any(after[line] < count for line, count in before.items()):
        return None
    lines = "\n".join(f"    {line}" for line in list(before)[:4])
    return (
        f"`{shown}` still prints what the item says is wrong:\n{lines}\nThe change does not fix it: find the "
        "code that works out that value and fix it there"
    )


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


__all__ = ["capture_symptom", "symptom_problem"]
