"""A page asked to say how a module's units convert gives the module's factors (issue 12).

Held-out units-docs (written blind, session 14): "Write docs/units.md for contributors: what
recipebox/units.py does — the units it knows and how they convert, …". Qwen2.5-Coder-1.5B listed
every unit and alias and never said that a kilogram is 1000 g or a tablespoon 15 ml; the module
keeps those as tables (``MASS_UNITS = {"g": Fraction(1), "kg": Fraction(1000)}``). Every check
passed — the facts check reads the numbers a page states, not the ones it leaves out — and it was
ticked. A reviewer would have asked "and how do they convert?"; so does this.

When the item asks how things convert (or for the conversion factors, rates) and names the module,
each module-level table of that module mapping names to numbers (``{"kg": 1000, "tsp": 5}``,
``Fraction``/``Decimal`` values too) that the page names a key of is the answer: the page must state
most of its factors (the entries whose factor is not 1, the base unit being 1) — each number on a
line with its name.
"""

from __future__ import annotations

import ast
import re
from fractions import Fraction
from pathlib import Path, PurePosixPath

from .evidence import stem
from .journal import FileChange
from .sources import python_modules

_CONVERTING = re.compile(r"\b(?:how\b[^.;\n]{0,40}\bconvert\w*|conversions?(?: factors?| rates?)?|factors?)\b", re.I)
_MODULE = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.py)\b")
_PAGE_SUFFIXES = (".md", ".rst", ".txt", ".markdown")
MIN_TABLE = 2  # entries of a table to be one (a single pair is a constant, not a table)


def _number(node: ast.expr) -> Fraction | None:
    """The value of ``5``, ``0.25``, ``Fraction(5)``, ``Fraction(1, 3)``, ``Decimal("0.25")``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return Fraction(node.value).limit_denominator(10_000)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute) and node.args:
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        values = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if name in ("Fraction", "Decimal") and len(values) == len(node.args):
            try:
                return Fraction(*[str(v) if isinstance(v, str) else v for v in values])  # type: ignore[arg-type]
            except (ValueError, TypeError, ZeroDivisionError):
                return None
    return None


def factor_tables(source: str) -> dict[str, dict[str, Fraction]]:
    """The module-level ``NAME = {"key": number, …}`` tables of a module's source."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found: dict[str, dict[str, Fraction]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, literal = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, literal = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name) or not isinstance(literal, ast.Dict):
            continue
        table: dict[str, Fraction] = {}
        for key, value in zip(literal.keys, literal.values, strict=True):
            number = _number(value)
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)) or number is None:
                break
            table[key.value] = number
        else:
            if len(table) >= MIN_TABLE and len(set(table.values())) > 1:
                found[target.id] = table
    return found


def _spellings(value: Fraction) -> list[str]:
    """How a page may write a factor: 1000, 1,000, 1000.0, 0.25, 1/3."""
    if value.denominator == 1:
        whole = value.numerator
        return [str(whole), f"{whole:,}", f"{whole}.0"]
    decimal = float(value)
    return [f"{decimal:g}", f"{decimal:.2f}".rstrip("0").rstrip("."), f"{value.numerator}/{value.denominator}"]


def _named(page: str, key: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(key)}(?![\w])", page, re.IGNORECASE) is not None


def _stated(page: str, key: str, value: Fraction) -> bool:
    """Whether a line of the page has the factor's number and its name."""
    spellings = [re.escape(s) for s in _spellings(value)]
    number = re.compile(rf"(?<![\w.,/])(?:{'|'.join(spellings)})(?![\d])")
    name = re.compile(rf"(?<![\w]){re.escape(key)}(?![\w])", re.IGNORECASE)
    return any(number.search(line) and name.search(line) for line in page.splitlines())


def _modules_and_pages(
    changes: list[FileChange], item_text: str, root: Path, *, by_page_name: bool = False
) -> tuple[dict[str, str], list[FileChange], str] | None:
    """The modules the item names (path → source), the pages the change wrote and their text
    together; None without either. ``by_page_name``: with no module file named, the project
    modules (not tests, not ``__init__``) a page is named after — ``docs/varroa.md`` is a page on
    ``hivelog/varroa.py`` (heldout10 varroa-docs: the cut-offs, 1 and 3 mites per 100 bees, given as
    10 % and 20 %, ticked)."""
    pages = [c for c in changes if c.after is not None and PurePosixPath(c.path).suffix.lower() in _PAGE_SUFFIXES]
    if not pages:
        return None
    modules = list(dict.fromkeys(_MODULE.findall(item_text)))
    if not modules and by_page_name:
        stems = {PurePosixPath(page.path).stem for page in pages}
        modules = [
            module
            for module in python_modules(root)
            if PurePosixPath(module).stem in stems
            and PurePosixPath(module).name != "__init__.py"
            and not PurePosixPath(module).name.startswith("test_")
            and "tests" not in PurePosixPath(module).parts[:-1]
        ]
    sources: dict[str, str] = {}
    for module in modules:
        try:
            sources[module] = (root / module).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    if not sources:
        return None
    return sources, pages, "\n".join((c.after or b"").decode("utf-8", "replace") for c in pages)


def factors_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """A page the item asks to say how a module's units convert, without the module's factors."""
    if root is None or not _CONVERTING.search(item_text):
        return None
    found = _modules_and_pages(changes, item_text, root)
    if found is None:
        return None
    sources, pages, page = found
    for module, source in sources.items():
        tables = factor_tables(source)
        for name, table in tables.items():
            if not any(_named(page, key) for key in table if len(key) > 1):
                continue  # a table the page is not about (a module's currency rates, beside its units)
            factors = {key: value for key, value in table.items() if value != 1}
            missing = [key for key, value in factors.items() if not _stated(page, key, value)]
            if factors and len(missing) * 2 > len(factors):
                shown = ", ".join(f"{key} = {_spellings(table[key])[0]}" for key in missing[:6])
                return (
                    f"{pages[0].path} does not say how the units of {name} in {module} convert ({shown}): "
                    "state each one's factor, as the code has it"
                )
    return None


# "how the winter stretch works (which months, by how much)": a page asked how a named thing of a
# module works, and for which values, states the module's constants about that thing
_HOW_WORKS = re.compile(r"\bhow\s+(?:the\s+|a\s+|its\s+)?(?P<thing>[a-z][\w -]{2,40}?)\s+works?\b", re.I)
_WHICH = re.compile(r"\b(?:which|what)\s+\w+|\bhow\s+(?:much|many|long|often)\b", re.I)
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def _constants(source: str) -> dict[str, list[Fraction]]:
    """Module-level UPPER_CASE names bound to a number or a tuple/list of numbers."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found: dict[str, list[Fraction]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value = node.target.id, node.value
        else:
            continue
        if not name.isupper():
            continue
        items = value.elts if isinstance(value, ast.Tuple | ast.List | ast.Set) else [value]
        numbers = [_number(item) for item in items]
        if items and all(n is not None for n in numbers):
            found[name] = [n for n in numbers if n is not None]
    return found


_FRACTION_WORDS = {
    Fraction(1, 2): "half", Fraction(1, 3): "(?:a|one) third", Fraction(1, 4): "(?:a|one) quarter",
    Fraction(3, 4): "three quarters", Fraction(1, 5): "(?:a|one) fifth", Fraction(1, 10): "(?:a|one) tenth",
}  # fmt: skip


def _value_stated(page: str, name: str, values: list[Fraction], *, by_name: bool = True) -> bool:
    """The page names the constant (when ``by_name``), or states each of its values: the number in
    any spelling, a factor also as a share of change ("by half" for 1.5, "50 %"), a month by its name."""
    if by_name and _named(page, name):
        return True
    text = page.lower()
    months = [int(v) for v in values if v.denominator == 1 and 1 <= v <= 12]
    if "MONTH" in name and len(months) == len(values) > 1:

        def said(month: int) -> bool:
            full = _MONTHS[month - 1]
            return re.search(rf"\b(?:{full}|{full[:3]})\b", text) is not None

        if said(months[0]) and said(months[-1]):  # "November to February": a run, by its ends
            return True
    for value in values:
        # 0.2 written 0.20 (heldout20 scoring-docs re-run: "This bonus is 0.20." was refused)
        forms = [re.escape(s) + ("0*" if "." in s else "") for s in _spellings(value)]
        if value in _FRACTION_WORDS:  # FLASH_BONUS = 0.20: "a flash scores a fifth more"
            forms.append(_FRACTION_WORDS[value])
        if "MONTH" in name and value.denominator == 1 and 1 <= value.numerator <= 12:
            month = _MONTHS[value.numerator - 1]
            forms += [month, month[:3]]
        if value.denominator == 1 and 0 <= value.numerator < len(_NUMBER_WORDS):
            forms.append(_NUMBER_WORDS[value.numerator])  # "a grace period of two days"
        minor_unit = re.search(r"CENTS?|PENCE|PENNY|PENNIES", name) is not None
        if minor_unit and value.denominator == 1 and value.numerator >= 100:
            # MAX_FEE_CENTS = 1000: "no loan costs more than $10"; MINIMUM_RENT_PENCE = 1500: "£15.00"
            dollars = value / 100
            forms += [rf"[$£€]\s*{re.escape(s)}" for s in _spellings(dollars)] + [rf"[$£€]\s*{float(dollars):.2f}"]
        if minor_unit:  # RATE_PENCE_PER_SQM = 52: "52p a square metre" (heldout17 rent-docs' hand page)
            forms += [rf"{re.escape(s)}\s*(?:p|pence|c|cents?)" for s in _spellings(value)]
        if value.denominator != 1 and 0 < value < 1:
            # FLASH_BONUS = 0.20: "a 20% bonus" (heldout20 scoring-docs' hand page was refused)
            forms.append(f"{float(value * 100):g}\\s*%")
        change = abs(value - 1)
        if value.denominator != 1 and change < 1:
            forms.append(f"{float(change * 100):g}\\s*%")
            if change == Fraction(1, 2):
                forms.append("half")
        if not re.search(rf"(?<![\w.,/])(?:{'|'.join(forms)})(?![\d\w])", text):
            return False
    return True


def module_constants(tree: ast.Module) -> dict[str, list[Fraction]]:
    """A parsed module's numeric constants (see :func:`_constants`)."""
    return _constants(ast.unparse(tree))


def value_stated(text: str, name: str, values: list[Fraction]) -> bool:
    """Whether ``text`` gives a constant's value in any spelling a page may use (0.20: "20%", "a fifth")."""
    return _value_stated(text, name, values, by_name=False)


def asked_values_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """A page asked how a named thing of a module works and for which values ("which months, by
    how much") that leaves out the module's constants about the thing (heldout9 schedule-docs: the
    winter stretch "by half", never which months — `WINTER_MONTHS = (11, 12, 1, 2)`)."""
    how = _HOW_WORKS.search(item_text)
    if root is None or how is None or not _WHICH.search(item_text):
        return None
    found = _modules_and_pages(changes, item_text, root)
    if found is None:
        return None
    sources, pages, page = found
    thing = {w for w in re.findall(r"[a-z]+", how["thing"].lower()) if len(w) >= 4}
    for module, source in sources.items():
        constants = _constants(source)
        about = {n: v for n, v in constants.items() if thing & {w.lower() for w in n.split("_")}}
        missing = [n for n, v in about.items() if not _value_stated(page, n, v)]
        if missing:
            shown = ", ".join(f"{n} = {', '.join(_spellings(v)[0] for v in about[n])}" for n in missing[:4])
            return (
                f"{pages[0].path} does not say what the item asks of how the {how['thing']} works: the values "
                f"{module} has for it ({shown}); state them"
            )
    return None


# "Write docs/units.md for contributors: what recipebox/units.py does", "Contributor docs for
# plantcare/schedule.py -> docs/schedule.md": a page on a module, not a mention of one
_PAGE_ON_MODULE = re.compile(r"\b(?:docs?|documentation|page|contributors?|explain\w*|describe\w*|summar\w+)\b", re.I)


# "…: per grade, flashes and repeats, rounding, what a session counts": the topics a page is to cover
_TOPIC_LIST = re.compile(r":\s*([^:\n]*?,[^:\n]*?,[^:\n]*)")


def _topics(item_text: str) -> set[str]:
    """The stems of the words of the topics an item lists for its page (three or more, after a
    colon), or none."""
    listed = _TOPIC_LIST.search(item_text)
    if listed is None:
        return set()
    return {stem(word) for word in re.findall(r"[a-z]{4,}", listed.group(1).lower())}


def constants_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """A page written on a module the item names that leaves out one of the module's numeric
    constants (its value in any spelling, or its name), or None.

    Four blind suites had a docs page ticked that described each function and left out the numbers
    the module works by: heldout4 fees-doc (the fee per day and the cap), heldout8 units-docs (1 kg
    = 1000 g), heldout9 schedule-docs (the winter months). Each was closed by a rule on the item's
    wording ("how the fees work", "how they convert", "which months"); a contributor's page on a
    module states its constants whatever the wording, so this asks for them all.
    """
    if root is None or not _PAGE_ON_MODULE.search(item_text):
        return None
    found = _modules_and_pages(changes, item_text, root, by_page_name=True)
    if found is None:
        return None
    sources, pages, page = found
    topics = _topics(item_text)
    for module, source in sources.items():
        constants = _constants(source)
        if topics:
            # "how the points work: per grade, flashes and repeats, rounding, what a session counts"
            # — the constants of those topics, not WORKING_DAYS of another feature (heldout20 scoring-docs)
            about = {n: v for n, v in constants.items() if {stem(w) for w in n.lower().split("_")} & topics}
            constants = about or constants
        # the value, not only the name: told to state them, Qwen added "### LOW_BELOW" headings over
        # its own made-up 10 % (heldout10 varroa-docs, re-run after the first refusal)
        missing = [name for name, values in constants.items() if not _value_stated(page, name, values, by_name=False)]
        if missing:
            shown = ", ".join(f"{n} = {', '.join(_spellings(v)[0] for v in constants[n])}" for n in missing[:4])
            return (
                f"{pages[0].path} leaves out the values {module} works by ({shown}): a page on a module "
                "states its constants' values, as the code has them, each with what it is for"
            )
    return None


__all__ = [
    "asked_values_problem", "constants_problem", "factor_tables", "factors_problem", "module_constants", "value_stated"
]
