"""A docstring written from running the function: what it reads, gives back and raises, by example.

A docstring a local model wrote is left for review (agent/review.py), so Qwen-only never ticked one
— and its drafts were wrong anyway (heldout36–39: two drafts failed their checks, twice it wrote
none). A parser's docstring is mostly facts a run can give: the ways of writing its input it takes,
what each gives back, the inputs it refuses and its own words for why. So, for a function whose
inputs are plain values, the calls the item, the project's tests (each ``parametrize`` row too),
its data files, its constants and its bounds give — and a blank input, an unknown one and each of a
few inputs in capitals, small letters and spaced out — are run (read-only, in the sandbox;
:func:`pinned_tests.run_calls`). When together they run every statement of the function, so every
branch has an example, the docstring is made of them: one example per way of writing the input,
each with the value it gives; the unit of the result when an input in that unit gives its own
number back, and what one of each other unit counts as; "case does not matter" when every variant
gave the same; each refused input with its error's message. Nothing in it is a guess.

The item must ask only what such a docstring answers: every word of its request is one of the
words of such requests (forms, what comes back, when it raises, the unit, a blank cell, rubbish,
case), of the function, its module, its parameters, its inputs or its own strings — "say what the
ratio is", "a window open at one end" ask for what no run shows, and the model drafts as before.
A blank and an unknown input are called as the item calls them ("a blank cell", "rubbish").
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from ..tools import Workspace
from .assertions import called_name
from .checks import REGEX_ALTERNATION
from .pinned_tests import (
    Target,
    boundary_calls,
    data_calls,
    example_calls,
    find_target,
    listed_calls,
    member_calls,
    run_calls,
)
from .sources import python_modules
from .verification import is_test_file

RUN_TIMEOUT = 60.0  # seconds for the calls, once
MAX_TEST_CALLS = 40  # literal calls taken from the project's tests
MAX_SHOWN = 12  # examples of values given back
MAX_REFUSED = 4  # examples of inputs refused
MAX_MESSAGE = 80  # characters of an error's message shown
MAX_VALUE = 40  # characters of an input or a result shown; a longer one is not an example
MAX_VARIED = 6  # inputs tried in capitals, small letters and spaced out
MAX_FACTORS = 4  # units said as multiples of the result's
UNKNOWN = "not a value"  # the input no function of the project knows

_VERBS = {
    "parse", "format", "normalise", "normalize", "convert", "compute", "count", "rate", "round", "load", "read",
    "make", "build", "find", "pick", "guess", "score", "grade", "classify", "label", "tidy", "clean", "split",
    "render", "summarise", "summarize", "estimate", "check", "validate", "canonicalise", "canonicalize",
}  # fmt: skip
_NUMBER = re.compile(r"\s*[-+]?\d+(?:\.\d+)?\s*")


@dataclass
class ExampleDocstring:
    """The docstring's text and what it was made from (said in the step's result)."""

    text: str
    returning: int
    refused: int


def example_docstring(workspace: Workspace, path: str, function: str, item_text: str, *, task_id: str) -> (
    ExampleDocstring | None
):
    """The docstring of ``function`` in ``path`` made of runs of it, or None (it takes values no
    call can write, or the calls found leave a statement of it unrun)."""
    root: Path = workspace.root
    target = find_target(root, [path], [function])
    if target is None:
        return None
    calls = _calls(root, target, item_text)
    if not calls:
        return None
    run = run_calls(workspace, target, calls, task_id=task_id, timeout=RUN_TIMEOUT)
    if run is None or run.error is not None or run.uncovered:
        return None
    asks = _asks(item_text, target, run.cases)
    if asks is None:
        return None
    must = {f"{target.name}({value!r})" for value in _quoted(item_text)}
    if "blank" in asks:
        must.add(f"{target.name}('')")
    if "unknown" in asks:
        must.add(f"{target.name}({UNKNOWN!r})")
    shown = _chosen(run.cases, must)
    returning = [case for case in shown if "result" in case]
    refused = [case for case in shown if "raises" in case]
    if len(returning) < 2 or not must <= {str(case.get("call")) for case in shown}:
        return None
    if "raises" in asks and not refused:
        return None  # "when it raises" of a function that raised for no input tried: not a fact to give
    unit, forms = _unit_fact([case for case in run.cases if "result" in case]), _form_fact(run.cases)
    if ("unit" in asks and unit is None) or ("case" in asks and forms is None):
        return None
    if unit is None and _RETURN_ASKED.search(item_text) and _all_numbers(run.cases):
        # "what it returns" of a number no input names the unit of: 570 for '0930' says nothing of
        # minutes after midnight (heldout44 parse-start-docstring: shown only as examples, its check failed)
        return None
    text = _text(target, returning, refused, [unit, forms], _Labels.of(item_text))
    if "unit" in asks and not _units_said(item_text, run.cases, text):
        return None  # "how a month is counted", "what it does with °F": an input in it must be shown
    return ExampleDocstring(text, len(returning), len(refused))


# the words an item asking for a docstring may use that an example docstring answers — its asks
# ("which spellings it understands, what it hands back, when it raises") — and the words around
# them; any other word ("say what the ratio is", "a percentage rounded to one decimal", "a window
# open at one end") asks for what no run shows, and the docstring is the model's draft
_FILLER_WORDS = (
    "a an the it its it's is are be was were this that these those there here what which when where how why whether "
    "who with without for from of on in at to by as and or but also so if then than any all each every some one ones "
    "only just own do does did say says said explain explains describe mention give gives given write written add "
    "needs need needed could would should can will use proper real good short docstring docstrings function public "
    "private module yet still has have had no not none lacks lacking deserves wants wanted back come comes came out "
    "get gets you your we our return returns returned result results value values happen happens goes go too please "
    "i me my mean means meaning cases down readme text make can't cannot people keep keeps asking ask asks asked"
)
_FILLER = frozenset(_FILLER_WORDS.split())
_ASK_WORDS = {
    "forms": "accept accepts accepted take takes understand understands read reads spelling spellings way ways "
    "writing form forms format formats input inputs handle handles know knows bare number numbers",
    "returns": "hand hands gives giving back output outputs work works worked",
    "raises": "raise raises raised raising blow blows up error errors bad invalid fail fails exception exceptions "
    "refuse refuses reject rejects",
    "unit": "unit units counted converted conversion",
    "blank": "blank empty cell cells missing nothing",
    # what it does with rubbish: shown by the input no function knows, given back or refused
    "unknown": "never heard unknown recognise recognize recognised recognized sense garbage junk nonsense rubbish "
    "gibberish",
    "case": "case",
}
_ASKED = {word: kind for kind, words in _ASK_WORDS.items() for word in words.split()}


def _asks(item_text: str, target: Target, cases: list[dict[str, object]]) -> set[str] | None:
    """The kinds of fact the item asks the docstring for, or None: it asks for one no run gives."""
    at = re.search(r"docstring", item_text, re.IGNORECASE)
    asked = item_text[at.end() :] if at else item_text
    asked = re.sub(r"`[^`]*`|'[^'\n]*'|\"[^\"\n]*\"", " ", asked)  # values: shown as inputs
    asked = re.sub(r"[\w./-]*[_./][\w./-]*", " ", asked)  # names and paths in the code
    # the function's and the module's own words, and the words they are part of ("film" of filmlog/)
    named = {w.lower() for w in re.split(r"[_/.]", f"{target.name}/{target.path}") if len(w) > 2}
    known = set(_FILLER) | named | {p.lower() for p in target.parameters} | _literal_words(target)
    for case in cases:  # the words of the inputs tried: "what it does with °F"
        known |= {w.lower() for a in _arguments(case) for w in re.findall(r"[^\W\d_]+|°\w", _plain(a))}
    known |= {_singular(word) for word in known}  # "how a month is counted" of inputs in months
    kinds: set[str] = set()
    for word in re.findall(r"[^\W\d_][\w'°-]*|°\w", asked):
        lowered = word.lower().removesuffix("'s").lstrip("°")  # "°F" is the F a reading is written with
        if lowered in _ASKED:
            kinds.add(_ASKED[lowered])
        elif lowered not in known and _singular(lowered) not in known and not any(lowered in n for n in named):
            return None
    return kinds


_RETURN_ASKED = re.compile(
    r"\bwhat (?:it|they|that) (?:returns?|gives?|hands? back|comes? back with|spits? out|produces?)\b"
    r"|\bwhat (?:comes|you get) back\b|\breturn(?:ed)? value\b|\bwhat the result is\b",
    re.IGNORECASE,
)


def _all_numbers(cases: list[dict[str, object]]) -> bool:
    """Whether every call that returned gave a bare number (``570``, ``2.5``)."""
    results = [str(case.get("result")) for case in cases if "result" in case]
    return bool(results) and all(_NUMBER.fullmatch(result) for result in results)


def _units_said(item_text: str, cases: list[dict[str, object]], text: str) -> bool:
    """Whether every unit of the inputs the item names ("how a month is counted") has an example in
    the docstring's text (``'2 months' → 60``)."""
    units = {
        _singular(found.group(2))
        for case in cases
        for argument in _arguments(case)[:1]
        if isinstance(value := _value(argument), str) and (found := _WITH_UNIT.fullmatch(value))
    }
    named = {_singular(word) for word in re.findall(r"[^\W\d_]+", item_text)} & units
    return all(re.search(rf"\d\s*°?{re.escape(unit)}(?:e?s)?\b", text, re.IGNORECASE) for unit in named)


def _literal_words(target: Target) -> set[str]:
    """The words of the function's own strings (``"°f"``, ``"nautical miles"``): what it reads."""
    try:
        tree = ast.parse(target.source)
    except (SyntaxError, ValueError):
        return set()
    return {
        word.lower()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        for word in re.findall(r"[^\W\d_]+|°\w", node.value)
    }


def _quoted(item_text: str) -> list[str]:
    """The values an item quotes (```EX``, `85@2```): inputs the docstring must show."""
    return [v for v in re.findall(r"`([^`\n]{1,20})`", item_text) if not re.fullmatch(r"[\w.]*[_.(/][\w./()]*", v)]


def _calls(root: Path, target: Target, item_text: str) -> list[str]:
    """The calls to run, in the order their examples are worth showing: the item's own, the
    function's constants' members, its data's ways of writing a value, the project's tests', then
    a blank input for a parser of text."""
    calls: list[str] = []
    found = [
        *example_calls(target, item_text),
        *listed_calls(target, item_text),
        *data_calls(root, target, item_text),
        *calls_in_tests(root, target.name),
        *member_calls(target),
    ]
    found += _bare_numbers(target, found)
    found += _spelled_alternatives(target, found)
    # the blank and unknown inputs and the spelling variants before the bounds: the runner makes the
    # first MAX_CALLS calls only (heldout41 parse-distance-docstring: the unknown input was cut off)
    texts = _texts_of(found)[:MAX_VARIED]
    if len(target.parameters) == 1 and texts:
        found += [f"{target.name}('')", f"{target.name}({UNKNOWN!r})"]
        found += [f"{target.name}({variant!r})" for text in texts for variant in _variants(text)]
    found += boundary_calls(target, found)  # `'0 km'` of a parser that refuses `km <= 0`
    for call in found:
        if call not in calls:
            calls.append(call)
    return calls


def _texts_of(calls: list[str]) -> list[str]:
    """The texts with a letter the one-argument calls pass, in order."""
    texts: list[str] = []
    for call in calls:
        found = re.fullmatch(r"\w+\(((['\"]).*\2)\)", call)
        if found is None:
            continue
        try:
            value = ast.literal_eval(found.group(1))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        if isinstance(value, str) and re.search(r"[A-Za-z]", value) and value != UNKNOWN and value not in texts:
            texts.append(value)
    return texts


def _variants(text: str) -> list[str]:
    """The same text in capitals, in small letters, with spaces around and doubled between words."""
    return [text.upper(), text.lower(), f"  {text}  ", re.sub(r"\s+", "  ", text)]


MAX_SPELLED = 12  # inputs written with another spelling the function's pattern takes


def _spelled_alternatives(target: Target, calls: list[str]) -> list[str]:
    """Inputs written with each other spelling a regex the function reads lists (``(?:l|litre|liter)``):
    ``'35 g/l'`` → ``'35 g/litre'``, ``'35 g/liter'`` — a docstring shows every way of writing the
    input the code accepts (heldout42 brine-docstring: the data had only `g/L` and `g/l`)."""
    if len(target.parameters) != 1:
        return []
    options: list[list[str]] = []
    for constant in target.constants:
        for group in REGEX_ALTERNATION.findall(constant):
            words = [re.sub(r"\\(.)", r"\1", o) for o in group.split("|")]
            if all(re.fullmatch(r"[A-Za-z]{1,12}|[/%:-]", w) for w in words):
                options.append(words)  # words, or one symbol among them: `(?:/|per|a|to)`
    made: list[str] = []
    texts = _texts_of(calls)
    for words in options:
        for word in (w for w in words if w.isalpha()):
            base = next((t for t in texts if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", t, re.I)), None)
            if base is None:
                continue
            for other in words:
                if other != word:
                    spelled = rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])"
                    made.append(re.sub(spelled, other, base, count=1, flags=re.IGNORECASE))
            break
    return [f"{target.name}({text!r})" for text in dict.fromkeys(made)][:MAX_SPELLED]


def _bare_numbers(target: Target, calls: list[str]) -> list[str]:
    """For a parser of one text, the number of its first input written with a unit, alone
    (``'12 km'`` → ``'12'``): what a bare number gives is a fact its docstring should hold."""
    if len(target.parameters) != 1:
        return []
    for call in calls:
        found = re.fullmatch(r"\w+\((['\"])\s*(\d+(?:\.\d+)?)\s*[A-Za-z][^'\"]*\1\)", call)
        if found:
            return [f"{target.name}({found.group(2)!r})"]
    return []


def calls_in_tests(root: Path, name: str) -> list[str]:
    """The calls of ``name`` the project's tests make with literal arguments
    (``parse_coats("2 coats")``, ``pytest.raises(ValueError): parse_coats("lots")``) — and with a
    ``pytest.mark.parametrize`` test's parameters, once per row of values — as source."""
    calls: list[str] = []
    for module in python_modules(root, limit=400):
        if not (is_test_file(module) or module.startswith("tests/")):
            continue
        try:
            tree = ast.parse((root / module).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for test in ast.walk(tree):
            if not isinstance(test, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            rows = _parameter_rows(test)
            for node in ast.walk(test):
                if not isinstance(node, ast.Call) or called_name(node) != name:
                    continue
                for row in rows:
                    call = _written_call(name, node, row)
                    if call is not None and call not in calls:
                        calls.append(call)
                    if len(calls) >= MAX_TEST_CALLS:
                        return calls
    return calls


_UNREAD = object()  # a parametrize value built by code (``time(14, 5)``): a call needing it is not made


def _parameter_rows(test: ast.FunctionDef | ast.AsyncFunctionDef) -> list[dict[str, object]]:
    """Each row of values a test's ``parametrize`` decorators give its parameters ([{}]: none). A
    value built by code (``("14:05", time(14, 5))``, heldout43 tide-time-docstring) is left unread:
    the calls with the row's other values are still made."""
    rows: list[dict[str, object]] = [{}]
    for decorator in test.decorator_list:
        if not (isinstance(decorator, ast.Call) and called_name(decorator) == "parametrize"):
            continue
        if len(decorator.args) < 2 or not isinstance(decorator.args[1], ast.List | ast.Tuple):
            continue
        try:
            names = ast.literal_eval(decorator.args[0])
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return []
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        if not isinstance(names, list | tuple):
            return []
        added: list[dict[str, object]] = []
        for element in decorator.args[1].elts:
            parts = element.elts if len(names) > 1 and isinstance(element, ast.Tuple | ast.List) else [element]
            if len(parts) != len(names):
                return []
            added.append(dict(zip(names, [_literal_or_unread(part) for part in parts], strict=True)))
        rows = [{**before, **after} for before in rows for after in added]
    return rows


def _literal_or_unread(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _UNREAD


def _written_call(name: str, node: ast.Call, row: dict[str, object]) -> str | None:
    """The call as source, its arguments literals or the test's parameters' values (None: another
    name, or an expression)."""

    def value(argument: ast.expr) -> object:
        if isinstance(argument, ast.Name):
            if row.get(argument.id, _UNREAD) is _UNREAD:
                raise ValueError(argument.id)
            return row[argument.id]
        return ast.literal_eval(argument)

    try:
        args = [value(a) for a in node.args]
        kwargs = {k.arg: value(k.value) for k in node.keywords if k.arg}
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if len(kwargs) != len(node.keywords):
        return None
    written = ", ".join([*(repr(a) for a in args), *(f"{k}={v!r}" for k, v in kwargs.items())])
    return f"{name}({written})"


def _chosen(cases: list[dict[str, object]], must: set[str]) -> list[dict[str, object]]:
    """The examples worth showing, in order: a value given back when it runs a statement no earlier
    one ran, writes its input in a way no earlier one did (``'2'``, ``'x2'``, ``'two coats'``), or
    is a blank input; a refusal when it runs a new statement or says a new message. A few of each."""
    kept: list[dict[str, object]] = []
    lines: set[int] = set()
    seen: set[str] = set()
    for case in cases:
        if any(len(a) > MAX_VALUE for a in _arguments(case)) or len(str(case.get("result", ""))) > MAX_VALUE:
            continue
        returns = "result" in case
        ran = case.get("lines")
        new_lines = {line for line in ran if isinstance(line, int)} - lines if isinstance(ran, list) else set()
        # a blank input refused is shown beside the first other input refused in the same words
        kind = f"result {_shape(case)}" if returns else f"raises {_message_form(case)} {_blank(case)}"
        count = sum(("result" in c) == returns for c in kept)
        if returns:
            wanted = new_lines or (count < MAX_SHOWN and (kind not in seen or _blank(case)))
        else:
            wanted = kind not in seen or (new_lines and count < MAX_REFUSED)
        if wanted or case.get("call") in must:
            kept.append(case)
            lines |= new_lines
            seen.add(kind)
    return kept


def _message_form(case: dict[str, object]) -> str:
    """An error's message with the input taken out: ``unreadable distance 'far'`` and
    ``unreadable distance '12 furlongs'`` say one thing."""
    message = str(case.get("message") or "")
    for argument in _arguments(case):
        plain = _plain(argument)
        # the input as the message quotes it: as given, or as the function cleaned it ("' weeks'" → 'weeks')
        forms = (argument, repr(plain.strip().lower()), plain.strip().lower(), plain)
        said = next((form for form in forms if form and form in message), "")
        message = message.replace(said, "…") if said else message
    return f"{case.get('raises')}: {message}"


def _arguments(case: dict[str, object]) -> list[str]:
    args = case.get("args")
    kwargs = case.get("kwargs")
    shown = [str(a) for a in args] if isinstance(args, list) else []
    return shown + ([f"{k}={v}" for k, v in kwargs.items()] if isinstance(kwargs, dict) else [])


def _shape(case: dict[str, object]) -> str:
    """How the call writes its arguments: each number as 9, letters as they are in small letters,
    spaces around taken off (``'7.5mi'`` → ``9mi``, ``' 12 KM'`` → ``9 km``): a unit or a word of
    its own is a form of its own; a case or a space the same form again."""
    text = ", ".join(_plain(a).strip() for a in _arguments(case)).lower()
    return " ".join(re.sub(r"\d+(?:[.,]\d+)?", "9", text).split())


def _plain(argument: str) -> str:
    """An argument's value as text (``"' 12 km\\t'"`` → `` 12 km<tab>``)."""
    value = _value(argument)
    return argument if value is None else str(value)


def _blank(case: dict[str, object]) -> bool:
    args = _arguments(case)
    return len(args) == 1 and args[0] in {"''", '""', "' '", '" "'}


@dataclass(frozen=True)
class _Labels:
    """What the docstring calls a blank input and an unknown one: the item's own words ("a blank
    cell", "rubbish"), so the gate finds what it asked said."""

    blank: str = "a blank value"
    unknown: str = "a value it does not know"

    @classmethod
    def of(cls, item_text: str) -> _Labels:
        blank = re.search(r"\b(blank|empty)\s+(cell|field|value|entry|string|line|column|input)s?\b", item_text, re.I)
        junk = re.search(r"\b(rubbish|junk|garbage|nonsense|gibberish)\b", item_text, re.IGNORECASE)
        return cls(
            f"a {blank.group(1).lower()} {blank.group(2).lower()}" if blank else cls.blank,
            f"{junk.group(1).lower()} such as" if junk else cls.unknown,
        )


def _input(case: dict[str, object], single: bool, name: str, labels: _Labels) -> str:
    """An input as the docstring shows it: the value alone for a function of one parameter, the
    call for more; a blank, an unknown input or a bare number said so."""
    args = _arguments(case)
    if not single:
        return f"``{name}({', '.join(args)})``"
    value = args[0]
    if _blank(case):
        return f"{labels.blank} {value}"
    if _value(value) == UNKNOWN:
        return f"{labels.unknown} {value}" if labels.unknown.endswith(" as") else f"{labels.unknown} ({value})"
    if value[:1] in "'\"" and _NUMBER.fullmatch(value[1:-1]):
        return f"{value} (a bare number{_sign(float(value[1:-1]))})"
    number = _number_of(case)
    return f"{value} ({_sign(number).removeprefix(', ')})" if number is not None and number <= 0 else value


def _sign(number: float) -> str:
    """", zero" or ", negative" for a number a reader may need told is at or below the bound."""
    return ", zero" if number == 0 else ", negative" if number < 0 else ""


def _result(case: dict[str, object]) -> str:
    """A value given back as shown: a float of many digits rounded (``≈29.773``)."""
    shown = str(case["result"])
    if case.get("type") == "float" and len(shown) > 8:
        try:
            return f"≈{round(float(shown), 3)}"
        except ValueError:
            return shown
    return shown


def _types(returning: list[dict[str, object]]) -> str:
    """``an int``, ``a float, or None``: the kinds of value the examples gave back."""
    kinds = list(dict.fromkeys(str(case.get("type")) for case in returning))
    named = [f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}" for kind in kinds if kind != "NoneType"]
    if "NoneType" in kinds:
        named.append("None")
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + f", or {named[-1]}"


def _summary(target: Target) -> str:
    """The first line, from the function's name: ``parse_coats`` → "Parse coats."."""
    words = target.name.strip("_").split("_")
    if words[0].lower() in _VERBS and len(words) > 1:
        return f"{words[0].capitalize()} {' '.join(words[1:])}."
    if words[0] == "to" and len(words) > 1:
        return f"Convert to {' '.join(words[1:])}."
    return f"Return the {' '.join(words)}."


_WITH_UNIT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([^\d\s.,][^\d]*?)\s*")
UNIT_NAMES = {
    "km": "kilometres", "mi": "miles", "nm": "nautical miles", "m": "metres", "cm": "centimetres",
    "mm": "millimetres", "g": "grams", "kg": "kilograms", "lb": "pounds", "oz": "ounces", "ml": "millilitres",
    "l": "litres", "gal": "gallons", "min": "minutes", "h": "hours", "s": "seconds", "ft": "feet", "in": "inches",
    "°c": "degrees Celsius", "°f": "degrees Fahrenheit", "c": "degrees Celsius", "f": "degrees Fahrenheit",
}  # fmt: skip


def _unit_fact(returning: list[dict[str, object]]) -> str | None:
    """"Returns the value in km (kilometres): '12 km' → 12.0" — when an input written with a unit
    gives its own number back, that unit is the result's; a bare number read as it, said; and what
    one of each other unit counts as, when every input in it gives the same multiple ("1 month counts
    as 30 days: '2 months' → 60")."""
    unit_case = bare_case = None
    factors: dict[str, list[tuple[float, dict[str, object]]]] = {}
    for case in returning:
        args = _arguments(case)
        if len(args) != 1 or not isinstance(value := _value(args[0]), str):
            continue
        try:
            result = float(str(case.get("result")))
        except ValueError:
            continue
        found = _WITH_UNIT.fullmatch(value)
        own = found and float(found.group(1)) == result and float(found.group(1)) not in (0, 1)
        if found and own and (unit_case is None or len(found.group(2)) > len(unit_case[0])):
            unit_case = (found.group(2), case)  # of "7d" and "25 days", the unit spelled out
        if found and float(found.group(1)) != 0:
            factors.setdefault(_singular(found.group(2)), []).append((result / float(found.group(1)), case))
        if _NUMBER.fullmatch(value) and float(value) == result and bare_case is None:
            bare_case = case
    if unit_case is None:
        return None
    unit, case = unit_case
    named = UNIT_NAMES.get(unit.lower())
    said = f"{unit} ({named})" if named and named != unit.lower() else unit
    fact = f"Returns the value in {said}: {_plain_input(case)} → {_result(case)}."
    if bare_case is not None:
        fact += f" A bare number, with no unit, is taken as {said}: {_plain_input(bare_case)} → {_result(bare_case)}."
    by_factor: dict[float, tuple[str, dict[str, object]]] = {}
    for other, found_factors in factors.items():
        factor, example = found_factors[0]
        if other == _singular(unit) or factor == 1 or round(factor, 4) != factor:
            continue
        if any(abs(f - factor) > 1e-9 * abs(factor) for f, _ in found_factors):
            continue  # not one multiple: a unit read some other way
        if len({_number_of(case) for _, case in found_factors}) < 2:
            continue  # one number in it: a rounded result (23 km → 12.42) is no multiple to state
        if factor not in by_factor or len(other) > len(by_factor[factor][0]):
            by_factor[factor] = (other, example)  # "week", not "wks"
    counted = [
        f"1 {other} counts as {factor:g} {named or unit}: {_plain_input(example)} → {_result(example)}"
        for factor, (other, example) in by_factor.items()
    ]
    if counted:
        fact += " " + "; ".join(counted[:MAX_FACTORS]) + "."
    return fact


def _number_of(case: dict[str, object]) -> float | None:
    """The number of a call's one text argument written with a unit (``'2 months'`` → 2.0)."""
    value = _value(_arguments(case)[0]) if _arguments(case) else None
    found = _WITH_UNIT.fullmatch(value) if isinstance(value, str) else None
    return float(found.group(1)) if found else None


def _singular(unit: str) -> str:
    """``months`` → ``month``, ``KM`` → ``km``: a unit as compared."""
    lowered = unit.strip().lower()
    return lowered[:-1] if len(lowered) > 3 and lowered.endswith("s") and not lowered.endswith("ss") else lowered


def _form_fact(cases: list[dict[str, object]]) -> str | None:
    """"Case does not matter, nor spaces around or between words" — when every input tried in
    capitals, small letters and spaced out gave what it gave as written."""
    given = {str(case.get("call")): case for case in cases}
    same_case = same_spaces = tried = 0
    for call, case in given.items():
        args = _arguments(case)
        if len(args) != 1 or not isinstance(text := _value(args[0]), str) or "result" not in case:
            continue
        name = call.split("(", 1)[0]
        variants = [given.get(f"{name}({variant!r})") for variant in _variants(text)]
        if any(v is None for v in variants) or text == UNKNOWN:
            continue
        tried += 1
        results = [v.get("result") if v else None for v in variants]
        same_case += results[0] == results[1] == case["result"]
        same_spaces += results[2] == results[3] == case["result"]
    if tried < 2:
        return None
    if same_case == tried and same_spaces == tried:
        return "Case does not matter, nor spaces around or between words."
    if same_case == tried:
        return "Case does not matter."
    if same_spaces == tried:
        return "Spaces around or between words do not matter."
    return None


def _value(argument: str) -> object:
    try:
        return ast.literal_eval(argument)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _plain_input(case: dict[str, object]) -> str:
    return ", ".join(_arguments(case))


def _text(
    target: Target,
    returning: list[dict[str, object]],
    refused: list[dict[str, object]],
    facts: list[str | None],
    labels: _Labels,
) -> str:
    single = len(target.parameters) == 1
    gives = [f"{_input(c, single, target.name, labels)} → {_result(c)}" for c in returning if not _blank(c)]
    blanks = [f"{_input(c, single, target.name, labels)} gives {_result(c)}" for c in returning if _blank(c)]
    paragraphs = [_summary(target)]
    returns = f"Returns {_types(returning)}: {', '.join(gives)}"
    paragraphs.append(returns + (f"; {blanks[0]}." if blanks else "."))
    paragraphs += [fact for fact in facts if fact]
    if refused:
        errors = list(dict.fromkeys(str(c["raises"]) for c in refused))
        said = []
        for case in refused:
            message = " ".join(str(case.get("message") or "").split())
            if len(message) > MAX_MESSAGE:
                message = message[: MAX_MESSAGE - 1].rstrip() + "…"
            error = f" ({message})" if message else ""
            said.append(f"{_input(case, single, target.name, labels)}{error}")
        raised = " or ".join(errors)
        paragraphs.append(f"Raises {raised} for input it cannot take, e.g. {', '.join(said)}.")
    return "\n\n".join(paragraphs)


__all__ = ["ExampleDocstring", "calls_in_tests", "example_docstring"]
