"""A bug the item shows by a command's numbers, found by trying one-token edits: code, no model call.

"`yarnstash list` says my Cascade 220 is 241 m a skein, but the band says 220 yd / 201 m."
Qwen2.5-Coder-1.5B found none of the planted bugs of the last ten held-out suites (heldout26–35):
it changed nothing, rewrote a command, or wrote the wrong line back unchanged. Asked to write a
failing test of the report first, it could not either (it invented file paths and field values).
Yet most of those bugs were one token from right — ``/`` for ``*``, ``int`` for ``round``, a lost
``+ 1`` — and the item itself says what right looks like: the command, the value it prints now and
the value it should print. A reviewer with the report and a debugger does this:

1. runs the command the item quotes, once, traced: the output, and which of the project's
   functions the run called;
2. finds the *symptom lines*: the lines of the output showing a value or a name the item quotes
   (``241``, ``Cascade``), and the *right values*: those the item quotes that the output shows
   nowhere (``201``) — no right value, no search;
3. tries every one-token edit (:mod:`agentrunner.agent.single_edits`) of every function the run
   called, each in a forked copy of the loaded program, and keeps the edits after which a symptom
   line (found again: same place, or most of its words) shows a right value it did not, or one
   quoted value gone for another ("stage 1" → "stage 2"). A command that fails now ("dies with …")
   must run clean and show a right value;
4. runs the project's whole test suite with each kept edit in place, and keeps those that pass.

When exactly one behaviour is left (the kept edits print the same output; for a crash, of those in
the function that raised when they differ), the first edit of it is the move: a one-token diff
in the user's formatting, gated like the model's work (the tests, the symptom check, relevance).
Anything else — no quoted value the output does not show, nothing found, two fixes that print
different things — and the model works the item as before. Nothing is written while searching:
every edit is made in memory, in the sandbox, read-only.
"""

from __future__ import annotations

import ast
import base64
import json
import re
import subprocess
import textwrap
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..tools import Workspace
from .cli_runs import project_python
from .single_edits import SingleEdit, single_edits
from .sources import python_modules
from .symptoms import _FIX, _WORD_DATE, _command, _new_options
from .verification import is_test_file, module_name

TRACE_TIMEOUT = 60.0  # the command, traced, once
SEARCH_TIMEOUT = 300.0  # every edit's run of the command
SUITE_TIMEOUT = 240.0  # the project's tests with one edit in place
MAX_EDITS = 800  # edits tried at most (a run of a CLI is ~20 ms in a fork)
MAX_SUITES = 6  # kept edits whose test suite is run
MARK = "@@repair-search@@"
OUTPUT_CAP = 20_000_000  # the edits' outputs, one JSON line (each distinct output once, 16 MB at most)
MAX_OUTPUT = 200_000  # characters the command may print for its output to be searched

# Run as ``python -c RUNNER MODE PACKAGE ARGV_JSON MODULES_JSON [PAYLOAD]`` in the project folder.
RUNNER = r"""
import __future__, base64, contextlib, importlib, io, json, os, runpy, signal, sys, zlib
sys.path[:0] = [p for p in ('src', '.') if os.path.isdir(p)]
mode, package, argv, modules = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
payload = json.loads(zlib.decompress(base64.b64decode(sys.argv[5]))) if len(sys.argv) > 5 else None
MARK = '@@repair-search@@'
for name in modules:
    try:
        importlib.import_module(name)
    except BaseException:
        pass

def run_cli():
    sys.argv = [package, *argv]
    buffer = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            runpy.run_module(package, run_name='__main__', alter_sys=False)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                buffer.write(exc.code + '\n')
        except BaseException as exc:
            buffer.write('Traceback (most recent call last)\n%s: %s\n' % (type(exc).__name__, exc))
            code = 1
            tb = exc.__traceback__
            while tb is not None:  # the frames it was raised through, innermost last
                raised.append((tb.tb_frame.f_code.co_filename, tb.tb_frame.f_code.co_qualname))
                tb = tb.tb_next
    return code, buffer.getvalue()

raised = []

def apply(module, qualname, source):
    owner = mod = importlib.import_module(module)
    *path, name = qualname.split('.')
    for part in path:
        owner = getattr(owner, part)
    original = vars(owner)[name]
    flags = __future__.annotations.compiler_flag if getattr(mod, 'annotations', None) is __future__.annotations else 0
    scope = {}
    exec(compile(source, getattr(mod, '__file__', None) or module, 'exec', flags=flags, dont_inherit=True),
         vars(mod), scope)
    setattr(owner, name, scope[name])
    if owner is mod:
        for other in list(sys.modules.values()):
            if other is not None and other.__name__ != '__main__':
                for attribute, value in list(vars(other).items()):
                    if value is original:
                        setattr(other, attribute, scope[name])

if mode == 'trace':
    root = os.getcwd() + os.sep
    called = {}
    def profile(frame, event, arg):
        if event == 'call':
            code = frame.f_code
            name = code.co_filename if os.path.isabs(code.co_filename) else root + code.co_filename
            if name.startswith(root) and name.endswith('.py') and os.path.isfile(name):
                called.setdefault((name[len(root):], code.co_qualname), None)
    sys.setprofile(profile)
    code, output = run_cli()
    sys.setprofile(None)
    inner = [(f[len(root):], q) for f, q in raised if f.startswith(root)]
    print(MARK + json.dumps({'code': code, 'output': output, 'called': list(called), 'raised_in': inner[-1:]}))
elif mode == 'edits':
    results, outputs, room = [], {}, 16_000_000
    for module, qualname, source in payload:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            signal.alarm(5)
            try:
                apply(module, qualname, source)
                code, output = run_cli()
                data = json.dumps({'code': code, 'output': output})
            except BaseException as exc:
                data = json.dumps({'error': repr(exc)})
            with os.fdopen(write, 'w') as pipe:
                pipe.write(data)
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        try:
            result = json.loads(data)
        except ValueError:
            result = {'error': 'no result (killed)'}
        if 'output' in result:  # one copy of each output: most edits print what another did
            text = result['output']
            if text not in outputs and len(text) > room:
                result['output'] = None  # past what is sent back: not judged
            else:
                room -= 0 if text in outputs else len(text)
                result['output'] = outputs.setdefault(text, len(outputs))
        results.append(result)
    print(MARK + json.dumps({'results': results, 'outputs': list(outputs)}))
else:  # 'suite': the project's tests with one edit in place
    module, qualname, source = payload
    try:
        apply(module, qualname, source)
    except BaseException as exc:
        print('edit not set up:', repr(exc))
        sys.exit(97)
    import pytest
    sys.exit(pytest.main(['-q', '-x', '-p', 'no:cacheprovider']))
"""


@dataclass(frozen=True)
class Candidate:
    """One edit of one function, and the source of that function with it made."""

    path: str
    qualname: str
    edit: SingleEdit
    function_source: str


@dataclass(frozen=True)
class RepairMove:
    """The module written again with the one edit, and what it is (said in the result)."""

    path: str
    content: str
    summary: str


def _find(tree: ast.Module, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    parts = qualname.split(".")
    if "<" in qualname or len(parts) > 2:
        return None  # nested functions and lambdas are not replaceable from outside
    body: list[ast.stmt] = tree.body
    if len(parts) == 2:
        owner = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == parts[0]), None)
        if owner is None:
            return None
        body = owner.body
    return next(
        (n for n in body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == parts[-1]), None
    )


def _function_source(source: bytes, qualname: str) -> str | None:
    """The function's definition in ``source`` (decorators included), dedented; None when it does
    not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    node = _find(tree, qualname)
    if node is None:
        return None
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    lines = source.decode("utf-8").splitlines(keepends=True)[first - 1 : node.end_lineno]
    return textwrap.dedent("".join(lines))


def candidates(root: Path, called: list[tuple[str, str]]) -> list[Candidate]:
    """Every one-token edit of every project function the run called, in the order they were called."""
    found: list[Candidate] = []
    for path, qualname in called:
        if is_test_file(path) or path.startswith("tests/") or PurePosixPath(path).name == "__main__.py":
            continue
        try:
            source = (root / path).read_bytes()
            node = _find(ast.parse(source), qualname)
        except (OSError, SyntaxError, ValueError):
            continue
        if node is None:
            continue
        for edit in single_edits(source, node):
            function = _function_source(edit.applied(source), qualname)
            if function is not None:
                found.append(Candidate(path, qualname, edit, function))
        if len(found) >= MAX_EDITS:
            break
    return found[:MAX_EDITS]


# more ways of saying a value is wrong: "shows negative ABVs since the cleanup … what actually broke"
# (heldout13 fix-negative-abv), "says I've picked 12 kg … ??" (heldout35 hen-weight-bug)
_ALSO_WRONG = re.compile(
    r"\b(?:broke\w*|weird|bogus|nonsense|supposed to|can'?t be|comes? out at)\b|\?\?", re.IGNORECASE
)
_CRASH = "Traceback (most recent call last)"
# what comes after says what right is: "it should be one line with 3 sessions"
_RIGHT_SAID = re.compile(r"\b(?:should(?:n't)?|must|ought to|supposed to|needs? to|has to|have to)\b", re.IGNORECASE)
_CRASH_SAID = re.compile(r"\b(?:crash\w*|dies|died|falls? over|falling over|blows? up|traceback|\w+Error)\b", re.I)
# a value or word of a line, as compared: "£139.14," is 139.14, "-6.8%" is -6.8, "2026-06-16" one value
# … "5k" and "B04" one name each
_TOKEN = re.compile(
    r"\d{4}-\d\d-\d\d|\d+[A-Za-z]\w*|[A-Za-z]+\d\w*|(?<![\w.])-?\d+(?:[.,:]\d+)*|\d+(?:[.,:]\d+)*|[A-Za-z][A-Za-z'-]+"
)
_VALUE = re.compile(r"\d{4}-\d\d-\d\d|(?<![\w.-])-?\d+(?:[.,:]\d+)*(?![\w])")
_NAME = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z]+|[A-Za-z]+\d[A-Za-z\d]*|\d+[A-Za-z]+)(?![\w-])")
_QUOTE = re.compile(r"`([^`\n]+)`")


def _normal(token: str) -> str:
    """A token as compared: lower case, "20.0" as "20", "139.20" as "139.2"."""
    token = token.lower().rstrip(".,:")
    return token.rstrip("0").rstrip(".") if re.fullmatch(r"-?\d+\.\d+", token) else token


def _line_tokens(line: str) -> set[str]:
    return {_normal(t) for t in _TOKEN.findall(line)}


def _same_line(line: str, before: list[str], after: list[str]) -> str | None:
    """The line of the new output that is this one: at the same place when the output has as many
    lines, else the one sharing most of its words."""
    if len(before) == len(after) and line in before:
        return after[before.index(line)]
    mine = set(line.split())
    best, score = None, 0
    for other in after:
        shared = len(mine & set(other.split()))
        if shared > score:
            best, score = other, shared
    return best if best is not None and score * 2 >= len(mine) else None


@dataclass(frozen=True)
class Symptom:
    """What the item says about the output: the lines showing a value or name it quotes, and the
    values it quotes that the output does not show anywhere (what it says right looks like)."""

    output: list[str]
    lines: list[str]
    expected: set[str]
    values: set[str]
    crashed: bool = False  # the command fails now: right is running clean and showing a right value
    # names the output shows on two or three lines where the item wants one ("Loch Lomond on two lines
    # (2 trips on one, 1 on the other) … one line per loch"): right is each on one line, its numbers added
    merged: tuple[str, ...] = ()


def symptom_of(item_text: str, words: list[str], output: str, *, crashed: bool = False) -> Symptom | None:
    """The symptom of the item in the command's output, or None when the item quotes no value the
    output lacks (it does not say what right looks like) or the output shows nothing it quotes. A
    command that fails now ("every `filmlog rolls` now dies with …") has no symptom lines: the
    whole output is the symptom."""
    # the item's own words, without its quoted command and the dates it writes in words ("on 3 Oct")
    text = _QUOTE.sub(lambda m: " " if words[0] in m.group(1).split() else m.group(1), item_text)
    text = _WORD_DATE.sub(" ", text)
    values = {_normal(v) for v in _VALUE.findall(text)}
    names = {n.lower() for n in _NAME.findall(text)} - {w.lower() for w in words}
    lines = output.splitlines()
    shown = {t for line in lines for t in _line_tokens(line)}
    expected = values - shown
    picked = [line for line in lines if _line_tokens(line) & (values | names)]
    said_right = re.search(_RIGHT_SAID, text)
    twice = _twice(item_text, lines) if not crashed else None
    if twice is not None:
        phrases, doubled, sums = twice
        return Symptom(lines, doubled, sums, values, merged=phrases)
    if not expected and said_right and not crashed:
        # no value the output lacks, but the item says what it should show ("lists Mephiston Red twice,
        # once with 2 sessions and once with 1 — it should be one line with 3 sessions", 3 printed on
        # other lines: heldout38 paints-listed-twice): those values, on the lines of its rarest name
        expected = {_normal(v) for v in _VALUE.findall(text[said_right.end() :])} & values
        counts = {n: sum(1 for line in lines if n in _line_tokens(line)) for n in names}
        rarest = min((c for c in counts.values() if c), default=0)
        picked = [line for line in picked if any(counts[n] == rarest and n in _line_tokens(line) for n in names)]
        if not expected or not rarest or rarest > 3:
            return None
    elif not expected or not (picked or crashed):
        return None
    if not (picked or crashed):
        return None
    return Symptom(lines, [] if crashed else picked, expected, values, crashed)


_TWICE = re.compile(
    r"\b(?:twice|two (?:separate |different )?(?:lines|rows|entries)|two times|doubled|duplicat\w*|"
    r"split (?:in|into|across) two|one (?:line|row|entry) (?:per|for each|each))\b",
    re.IGNORECASE,
)
_PHRASE = re.compile(r"(?<![\w-])[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
MAX_DOUBLED = 3  # lines of one name: more is a list of its records, not one name split


def _lines_of(phrase: str, lines: list[str]) -> list[str]:
    """The lines showing the name, however many spaces it is written with ("Loch  Lomond")."""
    wanted = re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, phrase.lower().split())) + r"(?![\w-])")
    return [line for line in lines if wanted.search(line.lower())]


def _twice(item_text: str, lines: list[str]) -> tuple[tuple[str, ...], list[str], set[str]] | None:
    """For an item saying a name is shown twice, or wanting one line per name: the names the output
    shows on two or three lines, those lines, and the sums of their numbers place by place that none
    of them shows (None: no such name, or lines whose numbers do not line up)."""
    if not _TWICE.search(item_text):
        return None
    phrases: list[str] = []
    doubled: list[str] = []
    sums: set[str] = set()
    for phrase in dict.fromkeys(_PHRASE.findall(_QUOTE.sub(" ", item_text))):
        found = _lines_of(phrase, lines)
        if not 2 <= len(found) <= MAX_DOUBLED or any(line in doubled for line in found):
            continue
        numbers = [[float(v.replace(",", "")) for v in re.findall(r"(?<![\w.:/-])\d+(?:\.\d+)?(?![\w:/-])", line)]
                   for line in found]  # fmt: skip
        if not numbers[0] or any(len(n) != len(numbers[0]) for n in numbers):
            continue
        shown = {value for row in numbers for value in row}
        added = {_normal(f"{sum(column):g}") for column in zip(*numbers, strict=True) if sum(column) not in shown}
        if added:
            phrases.append(phrase)
            doubled += found
            sums |= added
    return (tuple(phrases), doubled, sums) if phrases else None


def _cures(symptom: Symptom, line: str, again: str) -> bool:
    """A value the item says is right, new on the line; or a value the item quotes gone from the
    line for another it quotes ("shows 150/85 as "stage 1"" … "stage 2": heldout25)."""
    before, after = _line_tokens(line), _line_tokens(again)
    return bool((after - before) & symptom.expected) or bool(
        (before - after) & symptom.values and (after - before) & symptom.values
    )


def cured(symptom: Symptom, output: str) -> bool:
    """Whether a symptom line, found again in the new output, shows what the item says is right."""
    after = output.splitlines()
    if symptom.merged:
        # each name on one line showing a sum of its lines' numbers, and no line's words lost (other
        # names written two ways may be joined too: heldout38's paints beside the one the item names)
        names = [set(_NAME.findall(line)) for line in after]  # "1 session" may be "3 sessions" now
        for line in symptom.output:
            mine = set(_NAME.findall(line))
            if mine and not any(mine <= theirs for theirs in names):
                return False
        for phrase in symptom.merged:
            found = _lines_of(phrase, after)
            if len(found) != 1 or not _line_tokens(found[0]) & symptom.expected:
                return False
        return True
    if symptom.crashed:
        shown = {t for line in after for t in _line_tokens(line)}
        return _CRASH not in output and bool(shown & symptom.expected)
    for line in symptom.lines:
        again = _same_line(line, symptom.output, after)
        if again is not None and _cures(symptom, line, again):
            return True
    return False


def _pack(payload: Any) -> str:
    return base64.b64encode(zlib.compress(json.dumps(payload).encode("utf-8"), 9)).decode("ascii")


def _result(done: subprocess.CompletedProcess[bytes]) -> Any:
    text = done.stdout.decode("utf-8", "replace")
    marked = [line for line in text.splitlines() if line.startswith(MARK)]
    try:
        return json.loads(marked[-1][len(MARK) :]) if marked else None
    except ValueError:  # cut short (a cap, a kill): no result, the model's item
        return None


def repair_search(workspace: Workspace, item_text: str, *, task_id: str) -> RepairMove | None:
    """The one-token fix the item's numbers single out (see the module's docstring), or None."""
    root = workspace.root
    said_wrong = any(words.search(item_text) for words in (_FIX, _ALSO_WRONG, _CRASH_SAID, _TWICE))
    if not said_wrong or "run" not in workspace.enabled:
        return None
    words = _command(root, item_text)
    if words is None or _new_options(root, words[0], item_text):
        return None
    package, argv = words[0], words[1:]
    python, env = project_python(root, package)
    modules = [
        module_name(path.removeprefix("src/"))
        for path in python_modules(root, limit=400)
        if not is_test_file(path) and not path.startswith("tests/") and PurePosixPath(path).name != "__main__.py"
    ]
    base = [python, "-c", RUNNER]
    common = [package, json.dumps(argv), json.dumps(modules)]

    def run(argv_: list[str], timeout: float) -> subprocess.CompletedProcess[bytes] | None:
        try:
            return workspace.run_argv(
                argv_, timeout=timeout, task_id=task_id, env=env, writable=False, output_cap=OUTPUT_CAP
            )
        except (subprocess.TimeoutExpired, OSError):
            return None

    traced = run([*base, "trace", *common], TRACE_TIMEOUT)
    first = _result(traced) if traced is not None else None
    if not first:
        return None
    # a command that fails now is a crash to cure when the item says so ("dies with …", a traceback)
    crashed = first["code"] != 0
    if crashed and not (_CRASH in first["output"] or _CRASH_SAID.search(item_text)):
        return None
    if len(first["output"]) > MAX_OUTPUT:
        return None  # a command that prints a book: hundreds of copies of it are no search
    symptom = symptom_of(item_text, words, first["output"], crashed=crashed)
    if symptom is None:
        return None
    tried = candidates(root, [(path, qualname) for path, qualname in first["called"]])
    if not tried:
        return None
    payload = [[module_name(c.path.removeprefix("src/")), c.qualname, c.function_source] for c in tried]
    searched = run([*base, "edits", *common, _pack(payload)], SEARCH_TIMEOUT)
    found = _result(searched) if searched is not None else None
    if not isinstance(found, dict) or len(found.get("results", [])) != len(tried):
        return None
    printed: list[str] = found["outputs"]
    kept = [
        (candidate, printed[result["output"]])
        for candidate, result in zip(tried, found["results"], strict=True)
        if result.get("code") == 0 and result.get("output") is not None and cured(symptom, printed[result["output"]])
    ]
    passing: list[tuple[Candidate, str]] = []
    for candidate, output in kept[:MAX_SUITES]:
        one = [module_name(candidate.path.removeprefix("src/")), candidate.qualname, candidate.function_source]
        done = run([*base, "suite", *common, _pack(one)], SUITE_TIMEOUT)
        if done is not None and done.returncode == 0:
            passing.append((candidate, output))
    if len({output for _, output in passing}) > 1 and first.get("raised_in"):
        # fixes of a crash that print different things: the one where it was raised, if one is
        # (heldout26 fahrenheit-crash: `(value - 32) * 5 / 9` in parse_temperature, not a skipped row)
        path, qualname = first["raised_in"][0]
        passing = [(c, o) for c, o in passing if (c.path, c.qualname) == (path, qualname)]
    if not passing or len({output for _, output in passing}) != 1:
        return None  # nothing found, or fixes that print different things: the model's
    chosen, output = passing[0]
    source = (root / chosen.path).read_bytes()
    was, now = _change(symptom, output)
    shown = f"`python -m {' '.join(words)}`"
    summary = (
        f"{chosen.path}: {chosen.edit.what} in `{chosen.qualname}` — {shown} printed `{was}`, now `{now}`, the "
        "value the item says is right; the project's tests pass"
        if not symptom.crashed
        else f"{chosen.path}: {chosen.edit.what} in `{chosen.qualname}` — {shown} failed, now runs clean and "
        "shows the value the item says is right; the project's tests pass"
    )
    return RepairMove(chosen.path, chosen.edit.applied(source).decode("utf-8"), summary)


def _change(symptom: Symptom, output: str) -> tuple[str, str]:
    """(the line as it was, the line as it is now) of the first cured symptom line."""
    after = output.splitlines()
    for line in symptom.lines:
        again = _same_line(line, symptom.output, after)
        if again is not None and _cures(symptom, line, again):
            return " ".join(line.split()), " ".join(again.split())
    return "", ""


__all__ = ["RUNNER", "Candidate", "RepairMove", "Symptom", "candidates", "cured", "repair_search", "symptom_of"]
