"""An option the item adds to a command line runs: the command with it does not crash (issue 12).

Asked "`runlog week` needs a `--since YYYY-MM-DD` option that leaves out runs before that date",
Qwen2.5-Coder-1.5B added the option and a filter on ``run.start`` — an attribute the runs do not
have. No test ran the option, every check passed, and it was ticked; ``runlog week --since
2026-03-11`` ended in ``AttributeError``. A reviewer would have run it once; so does this.

The command is the one the item quotes (`` `runlog week` ``, `` `python -m runlog week` ``) when its
first word is a package of the project with a ``__main__.py``; the option's value is made from the
item's placeholder (``YYYY-MM-DD`` or ``DATE``: today; ``N``, ``COUNT``, ``LIMIT``…: 2), or the one
value the item quotes it with (`` `--sort name` ``). It runs in the sandbox, in the project folder,
twice: without the option, then with it. Only a Python traceback with the option, where the command
without it ran clean, fails the check — an argparse error (a required argument the item does not
give), a missing data file or a timeout decide nothing, so no right change is refused for what the
item leaves out — except argparse refusing the option itself ("unrecognized arguments: --json"):
the item wrote where the option goes (`` `hivelog mites --json` ``), and one added to another
parser is not there. Nothing is written.

An option the item says takes the data's own spellings ("I write "engine", "S" … so the option
should take those spellings too") runs with each spelling it quotes that the data holds, and must
list something for each: a filter comparing the parsed field with the value as typed lists nothing.

An option that asks for JSON (`--json`, or an item saying its output is JSON) must print JSON — one
document, or one per line — and, where the item lists what each entry holds ("each with its name,
room and how many days overdue it is", or keys it quotes), entries with a key for each: a JSON
option printing the plain lines, or objects without the fields asked, is what a reader of the
script's output would catch at once.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..tools import Workspace
from .journal import FileChange
from .options import asked_options, newly_added
from .tables import data_values
from .validators import Check
from .verification import pytest_argv

_QUOTED = re.compile(r"`([^`\n]+)`")
_DATE = re.compile(r"^(?:Y{2,4}-M{1,2}-D{1,2}|DATE|DAY|WHEN|SINCE|UNTIL)$", re.IGNORECASE)
_COUNT = re.compile(r"^(?:N|NUM|NUMBER|COUNT|LIMIT|DAYS|WEEKS|MONTHS|K|INT|MAX|MIN|SIZE|TOP)$", re.IGNORECASE)
_TRACEBACK = "Traceback (most recent call last)"


def _package(root: Path, name: str) -> str | None:
    """The folder of a runnable package called ``name`` (``runlog/__main__.py``), if the project has one."""
    for folder in (root / name, root / "src" / name):
        if re.fullmatch(r"[A-Za-z_]\w*", name) and (folder / "__main__.py").is_file():
            return folder.relative_to(root).as_posix()
    return None


def runnable_packages(root: Path) -> list[str]:
    """The project's packages that ``python -m`` runs (a ``__main__.py``), at the top or in ``src/``."""
    found = []
    for base in (root, root / "src"):
        if base.is_dir():
            found += [p.parent.name for p in sorted(base.glob("*/__main__.py")) if _package(root, p.parent.name)]
    return list(dict.fromkeys(found))


_ADD_PARSER = re.compile(r"\.add_parser\(\s*[\"']([\w-]+)[\"']")


def sub_commands(root: Path, package: str) -> list[str]:
    """The sub-commands a package's argparse parsers add (``commands.add_parser("usage")``)."""
    folder = _package(root, package)
    found: list[str] = []
    for path in sorted((root / folder).glob("*.py")) if folder else []:
        try:
            found += _ADD_PARSER.findall(path.read_text("utf-8", errors="replace"))
        except OSError:
            continue
    return list(dict.fromkeys(found))


def quoted_command(root: Path, item_text: str) -> tuple[str, list[str]] | None:
    """The package and its arguments (a sub-command) of the command the item quotes, without options."""
    for quote in _QUOTED.findall(item_text):
        try:
            words = shlex.split(quote)
        except ValueError:
            continue
        if words[:2] == ["python", "-m"] or words[:2] == ["python3", "-m"]:
            words = words[2:]
        if words and _package(root, words[0]):
            rest: list[str] = []
            for word in words[1:]:
                if word.startswith("-"):
                    break
                rest.append(word)
            return words[0], rest
    return None


def item_command(root: Path, item_text: str) -> tuple[str, list[str]] | None:
    """:func:`quoted_command`, else the sub-command of the project's one runnable package that the
    item writes bare just before an option ("sessions --json please, for my spreadsheet": heldout20
    sessions-json got no --json move and no run of the option, as nothing was quoted)."""
    quoted = quoted_command(root, item_text)
    if quoted is not None:
        return quoted
    packages = runnable_packages(root)
    if len(packages) != 1:
        return None
    commands = sub_commands(root, packages[0])
    for quote in _QUOTED.findall(item_text):
        # "`log --guitar X` to see one guitar's changes" (heldout29 log-guitar-filter, blind: no command
        # read, so no filter move): a quote starting with a sub-command of the one program, then an option
        words = quote.split()
        if len(words) >= 2 and words[0] in commands and words[1].startswith("--"):
            return packages[0], [words[0]]
    named = [
        command
        for command in sub_commands(root, packages[0])
        if re.search(rf"(?<![\w`/.-]){re.escape(command)}\s+--[a-z]", item_text)
    ]
    return (packages[0], named) if len(named) == 1 else None


def sample_value(placeholder: str | None) -> str | None:
    """A value to run an option with, made from the item's placeholder; "" for a flag, None when
    the placeholder says nothing to go by (``ID``, ``PATH``)."""
    if placeholder is None:
        return ""
    if _DATE.match(placeholder):
        return date.today().isoformat()
    if _COUNT.match(placeholder):
        return "2"
    if re.fullmatch(r"[a-z][\w.-]*|\d+(?:\.\d+)?", placeholder):
        return placeholder  # `--sort name`, `--top 5`: the item's own value
    return None


# "as JSON, each with its name, room and how many days overdue it is", "one entry per line … with the
# item, the amount and the unit": the fields each entry holds
_FIELDS = re.compile(
    r"\b(?:each\s+with|with|holding|giving|fields?|keys?)\b(?:\s+(?:its|the|their))?\s+(?P<list>[^.;:\n]+)", re.I
)
_QUOTED_KEY = re.compile(r"`([a-z_][a-z0-9_]*)`")
_FIELD_GLUE = {"the", "its", "their", "how", "many", "much", "it", "is", "are", "of", "a", "an", "each", "one"}


# "one object per site: site, species (…), days (…), last_visit" (heldout11 sites-json: no "with")
_PER_ENTRY = re.compile(
    r"\b(?:objects?|entr(?:y|ies)|items?|records?|rows?|dicts?)\s+(?:per|for each|for every)\s+\w+\s*[:—–-]\s*"
    r"(?P<list>[^.;:\n]+)",
    re.I,
)
# "same … numbers as the text report (batch count, ABV, attenuation, score)" (heldout13 styles-json)
_LISTED_IN_PARENS = re.compile(
    r"\b(?:numbers|fields|values|columns|figures|stats|keys)\b[^()\n]{0,40}\((?P<list>[^()\n]+)\)", re.I
)


# "I need: the month, kWh imported, …" (heldout14 bill-json)
_NEEDED = re.compile(r"\b(?:need|want|needs|wants)\s*:\s*(?P<list>[^.;:\n]+)", re.I)
# what follows a field's name says what it is, not another field: "the total in pounds as a plain number"
_QUALIFIER = re.compile(r"\s+\b(?:in|as|for|from|per|to|at|on|with)\b.*$", re.I)


# "(riders with their rank + points)": the entries are named before "with" — each one's name is a field
_ENTRIES_WITH = re.compile(r"^\s*(?P<entries>[a-z]+)s\s+with\s+(?:its|their|the)\s+(?P<list>.+)$", re.I)
_NO_ENTRY = {"object", "entrie", "item", "row", "record", "dict", "line", "value", "field", "key", "number", "thing"}


def _phrases(listed: str) -> list[str] | None:
    phrases = [_QUALIFIER.sub("", p.strip()) for p in re.split(r",|\band\b|&|\+", listed) if p.strip()]
    words = [[w for w in re.findall(r"[a-z]+", p.lower()) if w not in _FIELD_GLUE] for p in phrases]
    if len(phrases) >= 2 and all(1 <= len(w) <= 3 for w in words) and "json" not in listed.lower():
        return [" ".join(w) for w in words]
    return None


def asked_fields(item_text: str) -> list[str]:
    """The fields the item asks each JSON entry to hold: keys it quotes (`items`, `low_stock`), two
    or more, else a listed "with X, Y and Z" or "one object per site: X, Y, Z" of two or more short
    phrases (a parenthesis after one says what it is, "rating (1 decimal)"), else a parenthesis
    listing them ("the numbers (batch count, ABV, score)"); none when it lists none."""
    quoted = [key for key in _QUOTED_KEY.findall(item_text) if not key.startswith("-")]
    if len(quoted) >= 2:
        return list(dict.fromkeys(quoted))
    plain = re.sub(r"\s*\([^()\n]*\)", "", item_text)
    for pattern in (_FIELDS, _PER_ENTRY, _NEEDED):
        for listed in pattern.finditer(plain):
            found = _phrases(listed.group("list"))
            if found:
                return found
    for listed in _LISTED_IN_PARENS.finditer(item_text):
        found = _phrases(listed.group("list"))
        if found:
            return found
    for inside in re.findall(r"\(([^()\n]+)\)", item_text):  # "(riders with their rank + points)"
        entries = _ENTRIES_WITH.match(inside)
        if entries and entries.group("entries").lower() not in _NO_ENTRY:
            found = _phrases(entries.group("list"))
            if found:  # the entry's own name is a field unless one listed already names it
                names = any(word in {"name", "id", "title"} for phrase in found for word in phrase.split())
                return found if names else list(dict.fromkeys([entries.group("entries").lower(), *found]))
        for listed in _FIELDS.finditer(inside):
            found = _phrases(listed.group("list"))
            if found:
                return found
    return []


def _documents(output: str) -> list[object] | None:
    """The JSON the output holds: one document, or one per non-empty line; None when it is not JSON."""
    try:
        return [json.loads(output)]
    except ValueError:
        pass
    lines = [line for line in output.splitlines() if line.strip()]
    try:
        return [json.loads(line) for line in lines] if lines else None
    except ValueError:
        return None


def _keys(value: object) -> tuple[set[str], bool]:
    """Every key of every object in ``value``, and whether entries are keyed by name (an object of objects)."""
    keys: set[str] = set()
    keyed = isinstance(value, dict) and bool(value) and all(isinstance(v, dict) for v in value.values())
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            keys.update(str(k).lower() for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return keys, keyed


def has_field(keys: set[str], field: str) -> bool:
    words = [w for w in re.findall(r"[a-z]+", field.lower()) if len(w) >= 2]
    said = {part for key in keys for part in re.split(r"[\W_]+", key) if part} | keys
    return any(w == s or (len(w) >= 4 and s.startswith(w[:4])) for w in words for s in said)


# "rating (1 decimal)", "the average rounded to two decimals": a field's value and its precision
_DECIMALS = re.compile(
    r"\b([a-z_]\w*)\s*(?:\((?:to\s+|rounded\s+to\s+)?|,?\s*(?:rounded\s+)?to\s+)"
    r"(\d|one|two|three)\s+decimals?\b",
    re.IGNORECASE,
)
_COUNTS = {"one": 1, "two": 2, "three": 3}


def decimals_asked(item_text: str) -> list[tuple[str, int]]:
    """(field, decimals) for each field the item gives a precision: ``rating (1 decimal)``."""
    return [(m.group(1), int(_COUNTS.get(m.group(2).lower(), m.group(2)))) for m in _DECIMALS.finditer(item_text)]


# "the total in pounds as a plain number (not the "£97.46" string)"
# "the total in pounds as a plain number", "dtr a plain number" (heldout19 profile-json printed "19.2%"
# and was ticked), "`tank`, `nitrate`, `percent` and `litres` as plain numbers"
_AS_NUMBER = re.compile(
    r"\b([a-z_]\w*)`?(?:\s+in\s+\w+)?\s*:?\s+(?:as\s+|is\s+|should\s+be\s+)?an?\s+"
    r"(?:(?:plain|bare|real)\s+)?(?:number|float|integer|int)\b"
    r"|\b([a-z_]\w*)`?(?:\s+in\s+\w+)?\s+an?\s+(?:plain|bare|real)\s+(?:number|float|integer|int)\b",
    re.IGNORECASE,
)
_AS_NUMBERS = re.compile(
    r"((?:`?[a-z_]\w*`?(?:\s*,\s*|\s+and\s+))+`?[a-z_]\w*`?)\s+as\s+(?:(?:plain|bare|real)\s+)?numbers\b",
    re.IGNORECASE,
)


def number_fields(item_text: str) -> list[str]:
    """The fields the item wants printed as numbers."""
    found = [m.group(1) or m.group(2) for m in _AS_NUMBER.finditer(item_text)]
    for listed in _AS_NUMBERS.finditer(item_text):
        found += re.findall(r"[a-z_]\w*", listed.group(1).replace(" and ", ", "), re.IGNORECASE)
    return [field for field in dict.fromkeys(found) if field.lower() not in {"and", "as", "is", "with"}]


def _leaves(documents: list[object]) -> list[tuple[str, object]]:
    """(key, value) of every value that is not an object or a list, in every object of the output."""
    found: list[tuple[str, object]] = []
    stack: list[object] = list(documents)
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, dict | list):
                    stack.append(value)
                else:
                    found.append((str(key), value))
    return found


def _not_numbers(documents: list[object], item_text: str) -> str | None:
    """A field the item wants as a number printed as something else (heldout14 bill-json, ticked
    WRONG: "the total in pounds as a plain number (not the "£97.46" string)" printed "£116.29")."""
    for field in number_fields(item_text):
        for key, value in _leaves(documents):
            # a number made into text ("19.2%", "£97.46"), or true/false; a null (no value: "null if no
            # first crack") and a name in a list of fields ("`tank`, `nitrate` … as plain numbers") pass
            formatted = isinstance(value, str) and re.search(r"\d", value) is not None
            if has_field({key.lower()}, field) and (isinstance(value, bool) or formatted):
                return f"printed {key} {json.dumps(value, ensure_ascii=False)}, where the item asks for a number"
    return None


def _too_precise(documents: list[object], item_text: str) -> str | None:
    """A value of a field the item gives a precision printed with more decimals (heldout12
    ratings-json, ticked WRONG: "rating (1 decimal)" printed 1277.0728338430106)."""
    for field, places in decimals_asked(item_text):
        for key, value in _leaves(documents):
            if isinstance(value, float) and has_field({key.lower()}, field):
                written = repr(value)
                if "." in written and "e" not in written and len(written.split(".")[1]) > places:
                    return f"printed {key} {written}, where the item asks for {places} decimal(s)"
    return None


# "print one JSON object with the fields qsos, dupes, …" — not "one object per player", nor a list of them
_ONE_OBJECT = re.compile(
    r"\b(?:one|a single|single|an?)\s+(?:JSON\s+)?(?:object|dict|mapping)\b(?!\s+(?:per|for|of)\b)", re.I
)
_MANY = re.compile(r"\b(?:list|array|objects|per line|one per|each)\b", re.I)


def one_object_asked(item_text: str) -> bool:
    """Whether the item asks for one JSON object, not a list of entries (heldout16 score-json, ticked
    WRONG: "print one JSON object with the fields qsos, dupes, …" printed a list of five copies)."""
    return bool(_ONE_OBJECT.search(item_text)) and not _MANY.search(item_text)


def json_problem(output: str, item_text: str) -> str | None:
    """What is wrong with an option's output that the item asks to be JSON, or None."""
    documents = _documents(output)
    if documents is None:
        return f"printed no JSON (it begins {output.strip()[:80]!r})"
    if one_object_asked(item_text) and (len(documents) != 1 or not isinstance(documents[0], dict)):
        document = documents[0]
        kind = "list" if isinstance(document, list) else "object" if isinstance(document, dict) else "value"
        shape = "several JSON documents" if len(documents) != 1 else f"a JSON {kind}"
        return f"printed {shape}, where the item asks for one JSON object (a dict with the fields as keys)"
    wrong = _too_precise(documents, item_text) or _not_numbers(documents, item_text)
    if wrong:
        return wrong
    keys: set[str] = set()
    keyed = False
    for document in documents:
        found, by_name = _keys(document)
        keys |= found
        keyed = keyed or by_name
    fields = asked_fields(item_text)
    if not fields or all(document in ([], {}) for document in documents):
        return None  # no fields asked, or no entries today (nothing due): nothing to compare
    if not keys:
        return f"printed JSON without the fields the item asks for ({', '.join(fields)}): {output.strip()[:60]!r}"
    missing = [field for field in fields if not has_field(keys, field)]
    if len(missing) > (1 if keyed else 0):  # keyed by name: the name is the key
        return f"printed JSON without {', '.join(repr(m) for m in missing)} (its keys: {', '.join(sorted(keys)[:8])})"
    return None


def _unrecognized(output: str, option: str) -> bool:
    """Whether argparse refused the option itself ("error: unrecognized arguments: --json")."""
    return any(
        "unrecognized arguments:" in line and option in line.split("unrecognized arguments:", 1)[1].split()
        for line in output.splitlines()
    )


def _last_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else ""


def project_python(root: Path, package: str) -> tuple[str, dict[str, str]]:
    """The interpreter that runs the project's package (its own virtualenv's, else this one) and the
    environment for it: no bytecode written, ``src/`` on the path for a src-layout package."""
    base = pytest_argv(root)
    python = base[0] if base and re.search(r"python[\d.]*$", Path(base[0]).name) else sys.executable
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if (root / "src" / package).is_dir():
        env["PYTHONPATH"] = "src"
    return python, env


# "the option should take those spellings too", "match it however the log writes it", "taking the
# arm however the diary spells it": the values the data is written with are the option's values too
_SPELLINGS_ASKED = re.compile(
    # "how I actually write the names in the csv", "the way I scribble it" (heldout29, heldout28)
    r"\b(?:however|whatever|any way|the way|how)\b[^.\n]{0,30}\b(?:writes?|spells?|types?|spelt|written|scribbl\w*)\b"
    r"|\b(?:spellings?|spelt|spelled)\b",
    re.IGNORECASE,
)
MAX_SPELLINGS = 4


def _spellings_problem(
    run: Callable[[list[str]], subprocess.CompletedProcess[bytes] | None],
    argv: list[str],
    item_text: str,
    root: Path,
    option: str,
) -> str | None:
    """An option the item says takes the data's own spellings ("I write "engine", "S", "motor-sailing"
    … so the option should take those spellings too") that lists nothing, or fails, for one of the
    spellings the item quotes that the data holds (heldout27 log-rig-filter, blind, ticked WRONG:
    `--rig engine` matched the parsed rig exactly and listed nothing)."""
    if not _SPELLINGS_ASKED.search(item_text):
        return None
    for spelling in sorted(data_values(root, item_text))[:MAX_SPELLINGS]:
        done = run([*argv, spelling])
        if done is None:
            continue
        output = done.stdout.decode("utf-8", "replace")
        shown = shlex.join(["python", *argv[1:], spelling])
        if done.returncode != 0 or not output.strip():
            what = f"fails: {_last_line(output)}" if done.returncode != 0 else "lists nothing"
            return (
                f"`{shown}` {what}, but the data writes {spelling!r} and the item says {option} takes the data's "
                "spellings: read the option's value the way the code reads that field"
            )
    return None


def option_run_check(
    workspace: Workspace, changes: list[FileChange], item_text: str, *, task_id: str, timeout: float
) -> Check | None:
    """The command the item quotes, run with each option the change added (see the module's
    docstring); None when there is nothing to run."""
    root = workspace.root
    command = item_command(root, item_text)
    added = [(option, value) for option, value in asked_options(item_text) if newly_added(changes, option)]
    # `--developer NAME` has no sample value of its own; the data's spellings the item quotes are some
    spelt = sorted(data_values(root, item_text)) if _SPELLINGS_ASKED.search(item_text) else []
    runnable: list[tuple[str, str]] = []
    for option, value in added:
        made = sample_value(value)
        if made is None and value and spelt:
            made = spelt[0]
        if made is not None:
            runnable.append((option, made))
    if command is None or not runnable:
        return None
    package, arguments = command
    python, env = project_python(root, package)
    plain = [python, "-m", package, *arguments]

    def run(argv: list[str]) -> subprocess.CompletedProcess[bytes] | None:
        try:
            return workspace.run_argv(argv, timeout=timeout, task_id=task_id, env=env)
        except (subprocess.TimeoutExpired, OSError):
            return None

    before = run(plain)
    if before is None or _TRACEBACK in before.stdout.decode("utf-8", "replace"):
        return Check("runs", True, f"not decided: `{shlex.join(plain[2:])}` does not run clean without the option")
    ran: list[str] = []
    for option, value in runnable:
        argv = [*plain, option, *([value] if value else [])]
        done = run(argv)
        if done is None:
            continue
        output = done.stdout.decode("utf-8", "replace")
        shown = shlex.join(["python", *argv[1:]])  # the command as the model would type it
        if done.returncode == 0:
            wants_json = "json" in option.lower() or (not value and re.search(r"\bjson\b", item_text, re.I))
            problem = json_problem(output, item_text) if wants_json else None
            if problem:
                return Check("runs", False, f"`{shown}` {problem}: print the JSON the item asks for")
            ran.append(f"`{option}{' ' + value if value else ''}`")
        elif _unrecognized(output, option):
            # the option parses, but not where the item's command puts it: added to the top-level
            # parser for `hivelog mites --json` (heldout10 mites-json-option, ticked)
            where = f"the `{arguments[-1]}` sub-command's parser" if arguments else "the parser the command uses"
            return Check(
                "runs",
                False,
                f"`{shown}` fails: {_last_line(output)}. The item runs it as `{package} "
                f"{' '.join([*arguments, option])}`: add `{option}` to {where}",
            )
        elif _TRACEBACK in output:
            return Check(
                "runs",
                False,
                f"`{shown}` crashed: {_last_line(output)}. Run it, read the traceback, and fix the code "
                f"that handles `{option}`",
            )
        if done.returncode == 0 and value:
            problem = _spellings_problem(run, argv[:-1], item_text, root, option)
            if problem:
                return Check("runs", False, problem)
    command_line = f"`python -m {shlex.join([package, *arguments])}`"
    if not ran:
        return Check("runs", True, f"not decided: {command_line} did not run with the option (an argument it needs?)")
    return Check("runs", True, f"{command_line} runs with {', '.join(ran)}")


__all__ = [
    "asked_fields", "decimals_asked", "has_field", "item_command", "json_problem", "one_object_asked",
    "option_run_check", "project_python", "quoted_command", "runnable_packages", "sample_value", "sub_commands",
]  # fmt: skip
