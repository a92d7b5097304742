"""What an item asks for, checked against what it changed (agentrunner/agent/checks.py, issue 12).

Each wrong case is the work Qwen2.5-Coder-1.5B did in the session-4 benchmark and got ticked
(`benchmarks/chores`: gitignore, name-constants, sort-imports, summarise-module,
type-hints-report), made small; each right case is the kind of work the chores' own checks
accept, which must keep passing.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.checks import (
    covers_problem,
    docstrings_problem,
    dropped_docstring_problem,
    heading_problem,
    ignores_problem,
    item_problem,
    lint_problem,
    marker_problem,
    markers_problem,
    ruff_command,
    type_hints_problem,
    used_problem,
)
from agentrunner.agent.journal import FileChange
from agentrunner.agent.verification import asked_problem
from agentrunner.config import load_config
from agentrunner.runner import RunOptions, run
from tests.support.scripted_http import ScriptedServer
from tests.test_transactions import chat_reply, config_text, models, todo, tree
from tests.test_transactions import project as project  # the fixture, shared
from tests.test_verification import FINAL, work_one


def change(path: str, before: str | None, after: str | None) -> FileChange:
    return FileChange(path, None if before is None else before.encode(), None if after is None else after.encode())


PRICING = '''"""Bulk pricing."""


def bulk_price(unit_price: float, qty: int) -> float:
    """The price of qty units: 20% off from 100 units."""
    if qty >= 100:
        return round(qty * unit_price * (1 - 0.2), 2)
    return round(qty * unit_price, 2)
'''
CONSTANTS_ITEM = (
    "Name the bulk-pricing numbers in `pkg/pricing.py`\n  "
    "Module constants `BULK_MIN_UNITS = 100` and `BULK_DISCOUNT = 0.2`, used by `bulk_price` instead of the literals."
)
DEFINED_ONLY = PRICING.replace(
    '"""Bulk pricing."""\n', '"""Bulk pricing."""\n\nBULK_MIN_UNITS = 100\nBULK_DISCOUNT = 0.2\n'
)
USED = DEFINED_ONLY.replace("qty >= 100", "qty >= BULK_MIN_UNITS").replace("(1 - 0.2)", "(1 - BULK_DISCOUNT)")


def test_constants_the_item_asks_to_be_used_are_used_instead_of_the_literals() -> None:
    """name-constants: the constants were added, `bulk_price` kept `100` and `0.2`; ticked."""
    problem = used_problem([change("pkg/pricing.py", PRICING, DEFINED_ONLY)], CONSTANTS_ITEM)
    assert problem and "BULK_MIN_UNITS is defined but not used by bulk_price" in problem
    half = DEFINED_ONLY.replace("(1 - 0.2)", "(1 - BULK_DISCOUNT)").replace(
        "qty >= 100", "qty >= BULK_MIN_UNITS or qty == 100"
    )
    assert "still has the literal 100" in (
        used_problem([change("pkg/pricing.py", PRICING, half)], CONSTANTS_ITEM) or ""
    )
    assert used_problem([change("pkg/pricing.py", PRICING, USED)], CONSTANTS_ITEM) is None
    # no word of using them: defining constants is the whole job
    assert used_problem([change("pkg/pricing.py", PRICING, DEFINED_ONLY)], "Add `BULK_MIN_UNITS = 100`") is None


REPORT = '''"""Text formatting."""


def format_currency(amount):
    """As dollars."""
    return f"${amount:,.2f}"


def summary_lines(inventory):
    """The lines of the summary."""
    return [f"{len(list(items))} items" for items in [inventory]]
'''
HINTS_ITEM = "Add type hints to `pkg/report.py`\nEvery parameter and every return value."


def test_type_hints_cover_every_function_and_say_what_a_container_holds() -> None:
    """type-hints-report: `summary_lines(inventory: list) -> list` was ticked (the chore wants
    `list[str]`; a bare `list` says nothing of what it holds)."""
    bare = REPORT.replace("(amount):", "(amount: float) -> str:").replace("(inventory):", "(inventory: list) -> list:")
    problem = type_hints_problem([change("pkg/report.py", REPORT, bare)], HINTS_ITEM)
    assert problem and "summary_lines: the parameter inventory is annotated `list`" in problem
    partial = REPORT.replace("(amount):", "(amount: float) -> str:")
    problem = type_hints_problem([change("pkg/report.py", REPORT, partial)], HINTS_ITEM)
    assert problem and "summary_lines: parameter(s) without a type hint: inventory" in problem
    right = partial.replace("(inventory):", "(inventory: Iterable[Item]) -> list[str]:")
    assert type_hints_problem([change("pkg/report.py", REPORT, right)], HINTS_ITEM) is None
    # an annotation that was there already is not this item's: only what it wrote is judged
    old_bare = right.replace("-> list[str]", "-> list")
    assert type_hints_problem([change("pkg/report.py", old_bare, old_bare + "# x\n")], HINTS_ITEM) is None
    # an item about one function judges that one only
    one = "Add type hints to `format_currency` in `pkg/report.py`"
    assert type_hints_problem([change("pkg/report.py", REPORT, partial)], one) is None
    # heldout12 attendance-type-hints: the module unchanged, a copy of it with hints in `hello.py`
    copy = type_hints_problem([change("hello.py", None, right)], HINTS_ITEM)
    assert copy == "pkg/report.py: the item asks for its type hints, and it did not change: annotate it there"


def test_every_type_hint_problem_is_told_at_once() -> None:
    """Held-out report-type-hints (session 11): told one bare annotation per turn, Qwen rewrote the
    whole module for each and timed out; all of them (up to a bound) go in one reply."""
    bare = REPORT.replace("(amount):", "(amount: dict) -> dict:").replace("(inventory):", "(inventory: list):")
    problem = type_hints_problem([change("pkg/report.py", REPORT, bare)], HINTS_ITEM)
    assert problem is not None
    assert "format_currency: the parameter amount is annotated `dict`" in problem
    assert "format_currency: the return type is annotated `dict`" in problem
    assert "summary_lines has no return type" in problem
    assert "summary_lines: the parameter inventory is annotated `list`" in problem
    many = "".join(f"\n\ndef f{n}(a, b):\n    return a\n" for n in range(9))
    problem = type_hints_problem([change("pkg/report.py", REPORT, REPORT + many)], HINTS_ITEM)
    assert problem is not None and problem.count("without a type hint") == 6 and problem.endswith("; and 5 more")
    assert "pkg/report.py: f0: parameter(s) without a type hint: a, b, and no return type (`-> None`" in problem


REORDER = '''"""Reorder suggestions."""


def needs_reorder(item):
    return item.quantity <= item.level


def reorder_quantity(item, weeks=4):
    return weeks * item.usage


def reorder_list(items):
    return [i for i in items if needs_reorder(i)]


def _helper():
    return 0
'''
SUMMARY_ITEM = (
    "Summarise `pkg/reorder.py` in `docs/summary.md`\n"
    "A short paragraph on what the module is for, then one bullet per public function saying what it does."
)


def test_a_summary_of_a_module_names_each_of_its_public_functions(tmp_path: Path) -> None:
    """summarise-module: a paragraph with no bullet for any of the three functions was ticked."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "reorder.py").write_text(REORDER, "utf-8")
    paragraph = "This module decides which stock items to reorder and how many units to order of each.\n"
    problem = covers_problem([change("docs/summary.md", None, paragraph)], SUMMARY_ITEM, tmp_path)
    assert problem and "does not name needs_reorder, reorder_quantity, reorder_list" in problem
    bullets = "".join(f"- `{name}`: what it does, in a few words.\n" for name in ("needs_reorder", "reorder_quantity"))
    problem = covers_problem([change("docs/summary.md", None, paragraph + bullets)], SUMMARY_ITEM, tmp_path)
    assert problem and "does not name reorder_list," in problem  # _helper is not public
    whole = paragraph + bullets + "- `reorder_list`: the items to reorder.\n"
    assert covers_problem([change("docs/summary.md", None, whole)], SUMMARY_ITEM, tmp_path) is None
    # a summary that is not asked about the functions may be a paragraph
    assert (
        covers_problem(
            [change("docs/summary.md", None, paragraph)], "Summarise `pkg/reorder.py` in `docs/summary.md`", tmp_path
        )
        is None
    )


def test_a_page_about_each_public_function_names_each_whatever_its_verb(tmp_path: Path) -> None:
    """Held-out stats-doc, Qwen on 616f72a: "write docs/stats.md — a short page for new
    contributors on what meteo/stats.py offers (each public function, a sentence or two)" named 3
    of its 5 functions and was ticked: "write … a page" is no summary verb."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "reorder.py").write_text(REORDER, "utf-8")
    item = "write docs/r.md — a short page on what pkg/reorder.py offers (each public function, a sentence or two)"
    page = "# reorder\n\n- `needs_reorder`: whether an item is low.\n"
    problem = covers_problem([change("docs/r.md", None, page)], item, tmp_path)
    assert problem and "does not name reorder_quantity, reorder_list" in problem
    assert covers_problem([change("docs/r.md", None, page)], "write docs/r.md on pkg/reorder.py", tmp_path) is None
    # "each public function" asks for the functions, not the classes beside them
    (tmp_path / "pkg" / "reorder.py").write_text(REORDER + "\n\nclass Plan:\n    pass\n", "utf-8")
    every = page + "- `reorder_quantity`: how many.\n- `reorder_list`: which.\n"
    assert covers_problem([change("docs/r.md", None, every)], item, tmp_path) is None
    problem = covers_problem([change("docs/r.md", None, every)], item.replace("function", "definition"), tmp_path)
    assert problem and "does not name Plan" in problem


def with_docstring(source: str, def_end: str, doc: str) -> str:
    """``source`` with ``doc`` as the docstring of the function whose ``def`` line ends in ``def_end``."""
    return source.replace(def_end, f'{def_end}    """{doc}"""\n', 1)


def test_docstrings_the_item_asks_for_are_there() -> None:
    models = "class Inventory:\n    def add(self, item):\n        pass\n\n    def get(self, sku):\n        return sku\n"
    item = "Document the public methods of `Inventory` in `pkg/models.py` (docstrings for `add` and `get`)"
    one = models.replace("def add(self, item):\n", 'def add(self, item):\n        """Add an item."""\n')
    problem = docstrings_problem([change("pkg/models.py", models, one)], item)
    assert problem and "Inventory.get has no docstring" in problem
    both = one.replace("def get(self, sku):\n", 'def get(self, sku):\n        """The item of sku."""\n')
    assert docstrings_problem([change("pkg/models.py", models, both)], item) is None  # the class needs none


def test_a_docstring_says_what_the_item_asks_it_to_say() -> None:
    """heldout4 percentile-docstring (Qwen, 31054fc): "(what p means, how it picks a value between two
    samples)" got a 7-word docstring that says neither, and was ticked."""
    stats = "def percentile(values, p):\n    return sorted(values)[0]\n"
    item = (
        "`percentile()` in hits/stats.py has no docstring — write one "
        "(what p means, how it picks a value between two samples)"
    )

    documented = functools.partial(with_docstring, stats, "):\n")

    vague = documented("Percentile in the given sequence of values.")
    problem = docstrings_problem([change("hits/stats.py", stats, vague)], item)
    assert problem and problem.startswith("hits/stats.py: the docstring of percentile does not say what the item asks")
    for right in (
        "Return the p-th percentile of values (p from 0 to 100), interpolating between the two nearest samples.",
        "The percentile p (0-100) of the values, interpolated linearly between neighbouring ones.",
    ):
        assert docstrings_problem([change("hits/stats.py", stats, documented(right))], item) is None
    # an item that asks for no particular content: any docstring
    plain = "Add a docstring to `percentile` in hits/stats.py"
    assert docstrings_problem([change("hits/stats.py", stats, vague)], plain) is None


def test_a_docstring_answers_each_question_of_a_list() -> None:
    """heldout22 segments-docstring re-run (Qwen, 1809dde, ticked WRONG): "say what a segment is, where
    the litres of partial top-ups end up, what happens to fill-ups before the first full tank and after
    the last one, and what order it works in" got the segment's fields described — half the words of
    the list, none of the last three questions. Each question of a list is answered; a part that is no
    question ("…, people keep asking me why …") goes with the one before it."""
    code = "def segments(fills):\n    return sorted(fills)\n"
    item = (
        "economy.segments() has no docstring — write one\nsay what a segment is, where the litres of partial "
        "top-ups end up, what happens to fill-ups before the first full tank and after the last one, and what "
        "order it works in"
    )

    documented = functools.partial(with_docstring, code, "):\n")

    fields = documented("Return a list of segments, each with the start and end fill-ups and the litres between them.")
    problem = docstrings_problem([change("fuel/economy.py", code, fields)], item)
    assert problem and "does not say what the item asks" in problem, problem
    right = documented(
        "The log cut into tank-to-tank segments. The fill-ups are taken in odometer order. A segment runs from "
        "one full fill-up to the next; partial top-ups in between add their litres to it. Fill-ups before the "
        "first full tank and partial ones after the last are left out."
    )
    assert docstrings_problem([change("fuel/economy.py", code, right)], item) is None
    sorted_said = right.replace("The fill-ups are taken in odometer order.", "The fill-ups are sorted by odometer.")
    assert docstrings_problem([change("fuel/economy.py", code, sorted_said)], item) is None


def test_what_it_accepts_and_does_with_junk_are_not_answered_by_any_words() -> None:
    """heldout23 parse-pool-docstring re-run (Qwen, ad6d394, ticked WRONG): with "what it accepts"
    answered by "reads / takes …" and "junk" by "raises …", a docstring saying only "takes a string …
    returns the length in metres … raises ValueError" passed — nothing of yards, the bare number or a
    length of zero. Those questions ("what comes back" too) are the item's own words again, as before:
    the hand docstring is refused with it (offline) — an honest failure, not a wrong tick."""
    code = "def parse_pool(text):\n    if not text:\n        raise ValueError(text)\n    return 25.0\n"
    item = (
        "parse_pool (laps/sessions.py) wants a docstring: what it accepts, what comes back and in which unit, "
        "and what it does with junk"
    )

    documented = functools.partial(with_docstring, code, "):\n")

    vague = documented(
        "The parse_pool function takes a string for the length of a pool and returns the length in meters. "
        "It raises a ValueError if the string is unreadable."
    )
    assert docstrings_problem([change("laps/sessions.py", code, vague)], item) is not None


def test_a_docstring_asked_to_mention_what_a_constant_sets_gives_its_value() -> None:
    """heldout20 top-points-docstring (Qwen, session 23 re-run, ticked WRONG): "mention the flash
    bonus, what repeats and unsent attempts get, and the rounding" got "It includes a flash bonus
    for flash climbs and a repeat factor for climbs topped before" — FLASH_BONUS = 0.20 and
    REPEAT_FACTOR = 0.5 named in words, their values not given."""
    code = (
        "FLASH_BONUS = 0.20\nREPEAT_FACTOR = 0.5\nBASE_POINTS = 100\n\n\ndef top_points(climb):\n"
        "    points = BASE_POINTS\n    if climb.style == 'flash':\n        points *= 1 + FLASH_BONUS\n"
        "    elif climb.style == 'repeat':\n        points *= REPEAT_FACTOR\n    return int(points / 5 + 0.5) * 5\n"
    )
    item = (
        "top_points (b/scoring.py) could do with a docstring\n"
        "mention the flash bonus, what repeats and unsent attempts get, and the rounding"
    )

    def problem(doc: str) -> str | None:
        after = code.replace("(climb):\n", f'(climb):\n    """{doc}"""\n', 1)
        return docstrings_problem([change("b/scoring.py", code, after)], item)

    vague = problem(
        "The points of a top. It includes a flash bonus for flashes and a repeat factor for repeats; "
        "unsent attempts get 0. Rounded to the nearest 5."
    )
    assert vague and "FLASH_BONUS = 0.2, REPEAT_FACTOR = 0.5" in vague, vague
    unrounded = problem("The points of a top: a flash scores 20% more, a repeat half; unsent attempts get 0.")
    assert unrounded and "does not say how the value is rounded" in unrounded, unrounded
    right = "The points of a top: a flash scores 20% more, a repeat half, unsent attempts 0; rounded to the nearest 5."
    assert problem(right) is None
    assert problem("A flash scores a fifth more, a repeat half, attempts 0, and it rounds to the nearest 5.") is None


def test_a_docstring_may_not_say_a_value_is_rounded_otherwise_than_the_code_rounds_it() -> None:
    """heldout18 change-percent-docstring (Qwen, session 22, ticked WRONG): "rounded to the nearest
    whole number" over ``math.ceil(needed / STEP) * STEP`` — what the item asked (how it is rounded)
    was said, wrongly. A docstring naming another way of rounding than the function's one is refused;
    saying none, or the right one, is left to the other checks."""
    code = (
        "import math\n\n\ndef change_percent(needed):\n"
        "    return max(10, min(50, math.ceil(needed / 5) * 5))\n"
    )
    item = "Add a docstring to change_percent in tank/change.py"

    def documented(doc: str, source: str = code) -> str:
        return with_docstring(source, "):\n", doc)

    nearest = documented("The percentage to change, rounded to the nearest whole number, 10 to 50.")
    problem = docstrings_problem([change("tank/change.py", code, nearest)], item)
    assert problem and "rounded to the nearest, but the code rounds it up (math.ceil)" in problem
    down = documented("The percentage to change, rounded down to a step of 5.")
    assert docstrings_problem([change("tank/change.py", code, down)], item) is not None
    for right in (
        "The percentage to change, rounded up to the next multiple of 5, from 10 to 50.",
        "The percentage to change (a multiple of 5, never rounded down), from 10 to 50.",
        "The percentage of the water to change, from 10 to 50.",
    ):
        assert docstrings_problem([change("tank/change.py", code, documented(right))], item) is None
    # the same re-run's next answer: "rounds up to the nearest whole number" — the step of 5 unsaid
    said_whole = "The percentage to change, rounded up to the nearest whole number, between 10 and 50."
    whole = documented(said_whole)
    problem = docstrings_problem([change("tank/change.py", code, whole)], item)
    assert problem and "does not say the value is rounded to a multiple of 5" in problem
    constant = code.replace("import math\n", "import math\n\nSTEP = 5\n").replace("/ 5) * 5", "/ STEP - 1e-9) * STEP")
    assert docstrings_problem([change("tank/change.py", constant, documented(said_whole, constant))], item) is not None
    fives = documented("The percentage to change, rounded up to the next five percent.", constant)
    assert docstrings_problem([change("tank/change.py", constant, fives)], item) is None
    rounded = code.replace("math.ceil(needed / 5) * 5", "round(needed)")
    up = documented("The percentage, rounded up.", rounded)
    assert docstrings_problem([change("tank/change.py", rounded, up)], item) is not None
    half = documented("The percentage, to the nearest whole percent (half up).", rounded)
    assert docstrings_problem([change("tank/change.py", rounded, half)], item) is None


def test_a_docstring_answers_the_items_questions_in_its_own_words() -> None:
    """heldout16 band-for-docstring (Qwen, blind, 47bb5bc, refused twice): asked "what unit the
    frequency is in, what it gives back, and what happens when the frequency isn't in any band", the
    docstring said "in MHz", "returns the name of the amateur band" and "raises a ValueError" — two of
    the five asked words. Each question is answered in other words; one left unanswered is refused."""
    bands = "def band_for(freq_mhz):\n    if freq_mhz > 0:\n        return '20m'\n    raise ValueError(freq_mhz)\n"
    item = (
        "`band_for` in qsolog/bands.py has no docstring. Add one that says what unit the frequency is in, "
        "what it gives back, and what happens when the frequency isn't in any band"
    )

    documented = functools.partial(with_docstring, bands, "):\n")

    for right in (
        "Takes a frequency in MHz and returns the name of the amateur band it is in. If the frequency is not "
        "in any band, it raises a ValueError.",
        "The name of the band holding a frequency given in MHz; a ValueError when no band holds it.",
    ):
        assert docstrings_problem([change("qsolog/bands.py", bands, documented(right))], item) is None
    half = documented("The band (its name) of a frequency in MHz.")
    problem = docstrings_problem([change("qsolog/bands.py", bands, half)], item)
    assert problem and problem.endswith("nothing of what happens otherwise (an error raised, None, …): say that "
                                        "in it, in a sentence or two")
    vague = documented("Band for the frequency.")
    assert docstrings_problem([change("qsolog/bands.py", bands, vague)], item)


def test_a_question_of_a_kind_the_docstring_answers_in_its_own_words_is_answered() -> None:
    """heldout31 weight-docstring: "… and what happens when it can't make sense of the text" — the hand
    docstring's "Raises ValueError for anything else: a bare number, junk, …" was refused for saying
    neither "sense" nor "text"."""
    weights = "def parse_weight(text):\n    if text:\n        return 1\n    raise ValueError(text)\n"
    item = (
        "parse_weight in creel/units.py has no docstring — add one: which ways of writing a weight it accepts, "
        "what unit it returns, and what happens when it can't make sense of the text"
    )
    documented = functools.partial(with_docstring, weights, "(text):\n")
    right = (
        "A fish's weight in whole grams. Reads pounds and ounces (``2lb 4oz``, ``12oz``), kilograms (``3.4kg``) "
        "and grams (``850g``). Raises ValueError for anything else: a bare number or junk."
    )
    assert docstrings_problem([change("creel/units.py", weights, documented(right))], item) is None
    silent = documented("A fish's weight in whole grams. Reads pounds and ounces (``2lb 4oz``, ``12oz``).")
    problem = docstrings_problem([change("creel/units.py", weights, silent)], item)
    assert problem, problem


def test_a_docstring_asked_for_a_range_states_one() -> None:
    """heldout12 docstring-expected-score (Qwen, ticked WRONG): "… whose point of view the number is
    from and what range it's in" got a docstring with half the asked words and no bound."""
    ratings = "def expected_score(a, b):\n    return 1 / (1 + 10 ** ((b - a) / 400))\n"
    item = (
        "expected_score (ratings module) has no docstring. Add one that says whose point of view the number "
        "is from and what range it's in"
    )

    documented = functools.partial(with_docstring, ratings, "):\n")

    vague = documented("The expected score of player a against player b, from a's point of view, as a number.")
    problem = docstrings_problem([change("club/ratings.py", ratings, vague)], item)
    assert problem and "does not give the range the item asks for" in problem
    for right in ("a's expected score against b: between 0 and 1.", "From a's point of view, 0.0 to 1.0."):
        assert docstrings_problem([change("club/ratings.py", ratings, documented(right))], item) is None
    # the Qwen docstring of the re-run (4855abc), ticked: a range, and an error a formula cannot raise
    made_up = documented("a's expected score, in the range of 0 to 1. Raises a ValueError if a rating is negative.")
    problem = docstrings_problem([change("club/ratings.py", ratings, made_up)], item)
    assert problem and "says it raises ValueError, which its code cannot" in problem
    parsed = "def parse(text):\n    return float(text)\n"  # float() raises ValueError: a true claim
    said = parsed.replace("):\n", '):\n    """The number, between 0 and 1; ValueError for junk."""\n', 1)
    parse_item = item.replace("expected_score", "parse")
    assert docstrings_problem([change("club/ratings.py", parsed, said)], parse_item) is None


def test_a_docstring_asked_how_a_value_is_worked_out_names_what_goes_into_it() -> None:
    """heldout9 docstring-water-ml (Qwen, 952d3f9): "add one that says what it returns and how the
    amount is worked out" got "Calculate the amount of water needed for a plant per watering." with
    an Args/Returns block — nothing of the pot size, the light or the smallest amount — and was ticked."""
    amounts = (
        "ML_PER_POT_LITRE = 250\nLIGHT_FACTOR = {'bright': 1.3}\nSMALLEST_ML = 50\n\n\n"
        "def water_ml(plant):\n"
        "    ml = plant.pot_litres * ML_PER_POT_LITRE * LIGHT_FACTOR.get(plant.light, 1.0)\n"
        "    return max(SMALLEST_ML, round(ml / 10) * 10)\n"
    )
    item = (
        "water_ml() in plantcare/amounts.py has no docstring: add one that says what it returns and how the "
        "amount is worked out"
    )

    documented = functools.partial(with_docstring, amounts, "(plant):\n")

    vague = documented(
        "Calculate the amount of water needed for a plant per watering.\n\n    Args:\n        plant (Plant): "
        "The plant.\n\n    Returns:\n        float: The amount of water needed in milliliters.\n    "
    )
    problem = docstrings_problem([change("plantcare/amounts.py", amounts, vague)], item)
    assert problem and "does not say how the value is worked out" in problem and "pot_litres" in problem
    for right in (
        "The ml of water for one watering: the pot size in litres times ML_PER_POT_LITRE, scaled by the "
        "plant's light (LIGHT_FACTOR), rounded to 10 ml and never under SMALLEST_ML.",
        "Water per watering in ml: 250 ml per litre of pot, more in bright light, rounded to tens, at least 50.",
    ):
        assert docstrings_problem([change("plantcare/amounts.py", amounts, documented(right))], item) is None
    # asked only what it returns: any docstring that says it
    plain = "water_ml() in plantcare/amounts.py has no docstring: add one"
    assert docstrings_problem([change("plantcare/amounts.py", amounts, vague)], plain) is None


def test_a_docstring_asked_about_bad_input_names_what_the_function_raises() -> None:
    """A docstring asked what a function does with bad input that says "raises an error" names no
    exception a caller could catch; a reviewer asks which one."""
    source = (
        "def parse_interval(text):\n"
        "    if text.endswith('w'):\n        return int(text[:-1]) * 7\n"
        "    if not text.isdigit():\n        raise ValueError(f'bad interval: {text}')\n"
        "    return int(text)\n"
    )
    item = "parse_interval in pkg/schedule.py needs a docstring: the formats it takes and what happens on bad input"

    documented = functools.partial(with_docstring, source, "(text):\n")

    vague = documented("Parse the formats it takes (4, 2w) into days; on bad input it fails with an error.")
    problem = docstrings_problem([change("pkg/schedule.py", source, vague)], item)
    assert problem and "does not say what it raises" in problem and "ValueError" in problem
    right = documented("The formats it takes: 4 or 2w (weeks, times 7). Raises ValueError on bad input.")
    assert docstrings_problem([change("pkg/schedule.py", source, right)], item) is None
    # not asked about errors: the vague one is enough
    plain = "parse_interval in pkg/schedule.py needs a docstring: the formats it takes"
    assert docstrings_problem([change("pkg/schedule.py", source, vague)], plain) is None


def test_a_docstring_a_rewrite_dropped_is_put_back() -> None:
    item = "Rewrite the loop in `f` as a comprehension"
    before = (
        'def f(xs):\n    """Doubles."""\n    out = []\n    for x in xs:\n        out.append(2 * x)\n    return out\n'
    )
    after = "def f(xs):\n    return [2 * x for x in xs]\n"
    assert "the docstring of f in m.py was removed" in (
        dropped_docstring_problem([change("m.py", before, after)], item) or ""
    )
    kept = 'def f(xs):\n    """Doubles."""\n    return [2 * x for x in xs]\n'
    assert dropped_docstring_problem([change("m.py", before, kept)], item) is None
    assert dropped_docstring_problem([change("m.py", before, after)], "Remove the docstring of `f`") is None


CLI = '''"""The command."""

from __future__ import annotations

import argparse
import sys

from .loader import load_items
from .reorder import reorder_list


def main() -> int:
    return len(sys.argv) + bool(argparse) + bool(load_items) + bool(reorder_list)
'''
# Qwen's sort-imports (session 4): the relative imports before the standard library, one twice
QWEN_SORTED = CLI.replace(
    "import argparse\nimport sys\n\nfrom .loader import load_items\nfrom .reorder import reorder_list\n",
    "from .loader import load_items\nfrom .reorder import reorder_list\n\nimport argparse\nimport sys\n\n"
    "from .reorder import reorder_list\n",
)


@pytest.mark.skipif(shutil.which("ruff") is None and ruff_command(Path("/nonexistent")) is None, reason="no ruff")
def test_imports_sorted_as_ruff_wants_and_no_new_pyflakes_error(tmp_path: Path) -> None:
    """sort-imports: an order ruff's isort rule rejects, with an import written twice, was ticked."""
    (tmp_path / "pkg").mkdir()
    item = "Sort the imports of `pkg/cli.py` (standard library first, then the package's own, alphabetical)"
    unsorted = CLI.replace("import argparse\nimport sys\n", "import sys\nimport argparse\n")
    problem = lint_problem([change("pkg/cli.py", unsorted, QWEN_SORTED)], item, tmp_path)
    assert problem and "I001" in problem, problem
    # the order ruff wants is shown, to copy: standard library, then the package's own
    assert (
        "import argparse\nimport sys\n\nfrom .loader import load_items\nfrom .reorder import reorder_list\n```"
        in problem
    )
    assert lint_problem([change("pkg/cli.py", unsorted, CLI)], item, tmp_path) is None
    # any item: a name written twice or used undefined is new breakage
    twice = CLI + "\n\nfrom .loader import load_items\n"
    problem = lint_problem([change("pkg/cli.py", CLI, twice)], "Add a `--json` flag", tmp_path)
    assert problem and "F811" in problem, problem
    undefined = CLI + "\n\ndef other() -> int:\n    return missing_name\n"
    assert "F821" in (lint_problem([change("pkg/cli.py", CLI, undefined)], "Add `other`", tmp_path) or "")
    # a name the project defines elsewhere: the import to write (type-hints-report: `Item` unimported)
    (tmp_path / "pkg" / "__init__.py").write_text("", "utf-8")
    (tmp_path / "pkg" / "models.py").write_text("class Item:\n    pass\n", "utf-8")
    hinted = CLI + "\n\ndef first(items: list[Item]) -> Item:\n    return items[0]\n"
    problem = lint_problem([change("pkg/cli.py", CLI, hinted)], "Add type hints", tmp_path)
    assert problem and "F821 Undefined name `Item`" in problem and "import it: `from .models import Item`" in problem
    # what was wrong before the item is not its doing; an import order is judged only when asked
    assert lint_problem([change("pkg/cli.py", undefined, undefined + "# x\n")], "Add a comment", tmp_path) is None
    assert lint_problem([change("pkg/cli.py", CLI, unsorted)], "Add a comment", tmp_path) is None


GITIGNORE_ITEM = (
    "Add a `.gitignore`\n"
    "Python bytecode, virtualenvs (`.venv/`), the pytest cache, build output (`build/`, `dist/`, `*.egg-info`)."
)
QWEN_GITIGNORE = "*.pyc\n*.egg-info\nbuild/\ndist/\n*.pyo\nvenv/\n.venv/\n"


@pytest.mark.skipif(shutil.which("git") is None, reason="no git")
def test_a_gitignore_ignores_what_the_item_names_and_no_project_file(tmp_path: Path) -> None:
    """gitignore: "the pytest cache" was not ignored (no `.pytest_cache/`), and it was ticked."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "stock.csv").write_text("a\n", "utf-8")
    (tmp_path / "app.py").write_text("X = 1\n", "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    problem = ignores_problem([change(".gitignore", None, QWEN_GITIGNORE)], GITIGNORE_ITEM, tmp_path)
    assert problem and "does not ignore the pytest cache" in problem and "add the line `.pytest_cache/`" in problem
    right = QWEN_GITIGNORE + ".pytest_cache/\n"
    assert ignores_problem([change(".gitignore", None, right)], GITIGNORE_ITEM, tmp_path) is None
    problem = ignores_problem([change(".gitignore", None, right + "*.csv\n")], GITIGNORE_ITEM, tmp_path)
    assert problem and "ignores project file(s) data/stock.csv" in problem
    # unless the item asks for it
    asked = "Add a `.gitignore` for the CSV exports in `data/`"
    assert ignores_problem([change(".gitignore", None, "data/*.csv\n")], asked, tmp_path) is None


DRAFTS_ITEM = (
    "The repo needs a .gitignore: Python caches, virtualenvs (.venv/, venv/), build/, dist/ and *.egg-info, the "
    "pytest and mypy caches\nand my half-written recipes in data/recipes/drafts/ — the real recipes next to it must "
    "stay tracked"
)


@pytest.mark.skipif(shutil.which("git") is None, reason="no git")
def test_a_gitignore_ignores_each_path_the_item_writes_out(tmp_path: Path) -> None:
    """heldout8 gitignore-drafts (blind, session 14): `venv/` with no `.venv/`, no mypy cache ("the
    pytest and mypy caches") and no drafts folder was ticked: a kind was satisfied by one usual
    path, and "mypy caches" was not read as the mypy cache."""
    (tmp_path / "data" / "recipes" / "drafts").mkdir(parents=True)
    (tmp_path / "data" / "recipes" / "drafts" / "lasagne.toml").write_text("a = 1\n", "utf-8")
    (tmp_path / "data" / "recipes" / "chili.toml").write_text("a = 1\n", "utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'r'\n", "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    ticked = "*.pyc\n*.pyo\n*.egg-info\nbuild/\ndist/\nvenv/\n.pytest_cache/\n"
    problem = ignores_problem([change(".gitignore", None, ticked)], DRAFTS_ITEM, tmp_path)
    assert problem is not None
    assert "the mypy cache" in problem and "`.venv/`" in problem and "`data/recipes/drafts/`" in problem
    assert "venv/\n" in problem.split("so that it reads:")[1]  # the line the item asks for stays
    right = "__pycache__/\n*.py[cod]\n.venv/\nvenv/\nbuild/\ndist/\n*.egg-info/\n.pytest_cache/\n.mypy_cache/\n"
    drafts = right + "data/recipes/drafts/\n"
    assert ignores_problem([change(".gitignore", None, drafts)], DRAFTS_ITEM, tmp_path) is None
    # a folder of the project stands for its files: a pattern for the ones there is enough
    toml = right + "data/recipes/drafts/*.toml\n"
    assert ignores_problem([change(".gitignore", None, toml)], DRAFTS_ITEM, tmp_path) is None
    # what the item says stays tracked is no pattern to add
    kept = "add a .gitignore for __pycache__\n  data/ has the sample export the tests read, that stays in git"
    assert "`data/`" not in (ignores_problem([change(".gitignore", None, right)], kept, tmp_path) or "")


def test_the_asked_check_runs_them(tmp_path: Path) -> None:
    """verification's `asked` (and so the loop's DONE gate and the graph's check) includes them."""
    problem = asked_problem([change("pkg/pricing.py", PRICING, DEFINED_ONLY)], CONSTANTS_ITEM, tmp_path)
    assert problem and "not used by bulk_price" in problem


def test_a_scripted_model_that_only_defines_the_constants_is_told_and_not_ticked(
    project: Path, write_config: Callable[[str], Path]
) -> None:
    """End to end: the model writes the constants without using them; the loop's DONE gate says
    what is missing, the same state again fails the item, rolled back; the right work is ticked."""
    (project / "pkg" / "pricing.py").write_text(PRICING, "utf-8")
    before = tree(project)
    write = chat_reply(tool=("write_file", {"path": "pkg/pricing.py", "content": DEFINED_ONLY}))
    # said again after each fresh start of the loop (a fresh start may make again the write its
    # restore undid; the third time in a row is a repeat), then the same DONE in the refused state
    final = chat_reply(content=FINAL)
    entry, todo_path = work_one(
        project, write_config, CONSTANTS_ITEM, write, final, final, write, write, write, write, final, final
    )
    assert entry["status"] == "failed", entry
    assert "not used by bulk_price" in (entry["error"] or ""), entry["error"]
    assert "- [x]" not in todo_path.read_text("utf-8")
    assert tree(project) == before

    fix = chat_reply(tool=("write_file", {"path": "pkg/pricing.py", "content": USED}))
    entry, todo_path = work_one(
        project, write_config, CONSTANTS_ITEM, write, chat_reply(content=FINAL), fix, chat_reply(content=FINAL)
    )
    assert entry["status"] == "done", entry["error"]
    assert "BULK_DISCOUNT" in (project / "pkg" / "pricing.py").read_text("utf-8")


def test_an_item_about_todo_comments_is_shown_the_codes_todos_not_the_to_do_lists(
    project: Path, write_config: Callable[[str], Path]
) -> None:
    """list-todos: the grep the loop starts with listed the to-do file's own lines (the item and its
    context, "One bullet per TODO …"); Qwen took them for the code's and wrote the item into
    tasks/todo.md. The code's TODOs are shown, the to-do list's are not."""
    (project / "pkg" / "mod.py").write_text("X = 1  # TODO: name this constant\n", "utf-8")
    # grouped: the general loop's list (a plain list is the todo-inventory recipe's, no model call)
    item = "Collect the TODO comments in the code into `docs/todo.md`, grouped by module\n  One bullet per TODO."
    with ScriptedServer({"/v1/models": models()}) as server:
        server.queue("/v1/chat/completions", chat_reply(content="DONE"), chat_reply(content="DONE"))
        write_config(config_text(server.url).replace('"list_files"]', '"list_files", "grep"]'))
        todo(project, item)
        run(load_config(project / "routes.toml"), RunOptions(quiet=True))
        first = server.requests_to("/v1/chat/completions")[0].json()
    prompt = first["messages"][-1]["content"]
    assert "pkg/mod.py:1: X = 1  # TODO: name this constant" in prompt, prompt
    assert "tasks/todo.md" not in prompt.split("found:", 1)[1], prompt


def test_an_invalid_pyproject_is_shown_with_where_pep_621_puts_extras() -> None:
    """dev-dependencies: `[tool.setuptools.extras]` was failed by the verification, never shown to
    the model; the loop's DONE gate (the `asked` problem) now says what is wrong and where extras go."""
    pytest.importorskip("setuptools.config._validate_pyproject")
    pyproject = '[project]\nname = "demo"\nversion = "0.1.0"\n'
    wrong = pyproject + '[tool.setuptools.extras]\ndev = ["pytest>=8"]\n'
    problem = asked_problem([change("pyproject.toml", pyproject, wrong)], "Add a `dev` extra", None)
    assert problem and "must not contain {'extras'}" in problem and "[project.optional-dependencies]" in problem
    right = pyproject + '[project.optional-dependencies]\ndev = ["pytest>=8"]\n'
    assert asked_problem([change("pyproject.toml", pyproject, right)], "Add a `dev` extra", None) is None


CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [0.3.1] - 2026-10-14\n\n### Fixed\n- `reorder` skips zero usage.\n"


def test_text_the_item_puts_under_headings_is_under_them() -> None:
    """changelog-entry: Qwen's entry went under the last release's "### Fixed", not Unreleased's."""
    item = "Add a CHANGELOG entry under Unreleased → Fixed: `load_items` reads Excel exports (a BOM)"
    wrong = CHANGELOG + "- `load_items` reads Excel exports (a BOM).\n"
    problem = heading_problem([change("CHANGELOG.md", CHANGELOG, wrong)], item)
    assert problem and "is under Changelog / [0.3.1] - 2026-10-14 / Fixed, not under Unreleased → Fixed" in problem
    right = CHANGELOG.replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n- `load_items` reads Excel exports (a BOM).\n"
    )
    assert heading_problem([change("CHANGELOG.md", CHANGELOG, right)], item) is None
    assert heading_problem([change("CHANGELOG.md", CHANGELOG, wrong)], "Add a CHANGELOG entry") is None


def test_a_heading_said_unquoted_ends_where_what_the_text_is_about_begins() -> None:
    """heldout10 changelog-fixed-entry (Qwen, 847ba18): "a Fixed note under Unreleased for the mites
    fix: …" was read as a heading "Unreleased for the mites fix", and the right entry was refused."""
    item = "CHANGELOG: a Fixed note under Unreleased for the mites fix: a hive is shown now"
    right = CHANGELOG.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n- A hive is shown now.\n")
    assert heading_problem([change("CHANGELOG.md", CHANGELOG, right)], item) is None
    wrong = CHANGELOG + "- A hive is shown now.\n"
    problem = heading_problem([change("CHANGELOG.md", CHANGELOG, wrong)], item)
    assert problem and "not under Unreleased as the item asks" in problem
    quoted = 'Add a line under "Tips for contributors": run the tests first'
    page = "# Notes\n\n## Tips for contributors\n"
    assert heading_problem([change("NOTES.md", page, page + "- Run the tests first.\n")], quoted) is None


def test_under_what_is_no_heading_is_no_place_to_put_the_text() -> None:
    """heldout20 changelog-working-grade (Qwen, blind, refused twice): "changelog line for the working
    grade that `pyramid` now prints under the bars (unreleased)" — "the bars (unreleased)" was read
    as a heading, and a right entry under Unreleased refused. What the file has no heading for is
    not one, but a changelog section said with it still is."""
    item = "changelog line for the working grade that `pyramid` now prints under the bars (unreleased)"
    right = CHANGELOG.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Added\n- `pyramid` prints the grade.\n")
    assert heading_problem([change("CHANGELOG.md", CHANGELOG, right)], item) is None
    wrong = CHANGELOG + "- `pyramid` prints the working grade.\n"
    problem = heading_problem([change("CHANGELOG.md", CHANGELOG, wrong)], item)
    assert problem and "not under Unreleased as the item asks" in problem, problem
    # a heading the file has is still one, and nothing is asked of prose "under" something else
    page = "# Notes\n\n## Setup\n\n## Usage\n"
    assert heading_problem([change("NOTES.md", page, page + "- Run it.\n")], "a line under setup: run it")
    assert heading_problem([change("NOTES.md", page, page + "- Run it.\n")], "what it prints under the bars") is None


def test_a_bug_told_by_the_program_s_output_is_not_fixed_by_editing_its_data(tmp_path: Path) -> None:
    """heldout20 april-dates-in-march: "`boulderlog sessions` has me climbing on 2026-03-04, plus days
    in July and October?! I was at the wall in early April" — the wrong patch rewrote the CSV's
    day-first dates, and nothing refused it. The command is the project's: change the code."""
    from agentrunner.agent.checks import data_edit_problem

    (tmp_path / "boulderlog").mkdir()
    (tmp_path / "boulderlog" / "__init__.py").write_text("", "utf-8")
    item = "`boulderlog sessions` has me climbing on 2026-03-04, plus days in July and October?! I was there in April"
    data = change("data/climbs.csv", "date\n04/03/2026\n", "date\n2026-03-04\n")
    code = change("boulderlog/climbs.py", "X = 1\n", "X = 2\n")
    problem = data_edit_problem([code, data], item, tmp_path)
    assert problem == (
        "data/climbs.csv changed, but the item tells what `boulderlog sessions` does, not what the data says: "
        "change the code, and leave data/climbs.csv as it was"
    )
    assert item_problem([code, data], item, tmp_path) == problem
    assert data_edit_problem([code], item, tmp_path) is None
    assert data_edit_problem([code, data], item + "; fix data/climbs.csv too", tmp_path) is None
    assert data_edit_problem([code, data], "`othertool sessions` shows March", tmp_path) is None  # not the project's
    assert data_edit_problem([code, data], "dates in March", tmp_path) is None  # no command quoted


def test_no_tests_said_with_a_dotted_name_then_add_some_asks_for_tests(tmp_path: Path) -> None:
    """heldout20 parse-grade-tests (Qwen, blind, ticked WRONG: a top-level grades.py): "No tests for
    grades.parse_grade yet. Add some." — read neither as tests asked (a period between) nor as naming
    a function (the dotted name)."""
    from agentrunner.agent.checks import asks_for_new_tests, named_words
    from agentrunner.agent.sources import modules_named

    item = "No tests for grades.parse_grade yet. Add some.\nIt gets grades the way people type them"
    assert asks_for_new_tests(item)
    assert "grades.parse_grade" in named_words(item)
    assert not asks_for_new_tests("No tests were harmed. We add some colour to the output later today")
    (tmp_path / "boulderlog").mkdir()
    for name in ("__init__.py", "grades.py", "scoring.py"):
        (tmp_path / "boulderlog" / name).write_text("", "utf-8")
    assert modules_named(tmp_path, item) == ["boulderlog/grades.py"]  # the module, then its function


def test_a_py_typed_marker_is_empty_and_in_the_package(tmp_path: Path) -> None:
    """py-typed: Qwen wrote a page of prose into a top-level py.typed (refused only as a repeat)."""
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("", "utf-8")
    problem = marker_problem([change("py.typed", None, "")], tmp_path)
    assert problem and "goes beside the package's __init__.py: shop/py.typed" in problem
    problem = marker_problem([change("shop/py.typed", None, "# Type annotations for shop\n")], tmp_path)
    assert problem and "leave it empty" in problem
    assert marker_problem([change("shop/py.typed", None, "")], tmp_path) is None
    assert marker_problem([change("shop/py.typed", None, "partial\n")], tmp_path) is None


REPR_ITEM = "Give `Shelf` (`pkg/shelf.py`) a `__repr__` showing its counts, like `Shelf(12 items, 3698 units)`"
SHELF = "class Shelf:\n    def __init__(self) -> None:\n        self.items: list[int] = []\n"


def test_code_asked_for_output_like_an_example_has_the_examples_text() -> None:
    """add-repr: `f"Inventory({n} items)"` (no units) was accepted by the loop's DONE gate (and
    the verification refused only because the loop's pytest run left `.pytest_cache` among the
    changes, which journal.TOOL_CACHES now leaves out: right work would have been refused too)."""
    from agentrunner.agent.verification import content_checks

    wrong = SHELF + '\n    def __repr__(self) -> str:\n        return f"Shelf({len(self.items)} items)"\n'
    right = SHELF + (
        '\n    def __repr__(self) -> str:\n        return f"Shelf({len(self.items)} items, {sum(self.items)} units)"\n'
    )

    def failed(after: str) -> list[str]:
        changes = [change("pkg/shelf.py", SHELF, after)]
        checks = content_checks(changes, literals={}, item_text=REPR_ITEM, root=None)
        return [f"{c.name}: {c.detail}" for c in checks if not c.ok]

    assert failed(right) == []
    (problem,) = failed(wrong)
    assert "example output is 'Shelf(12 items, 3698 units)'" in problem and "'items,'" in problem


def test_an_example_command_line_is_no_example_output() -> None:
    """heldout3 fees-member-flag: "… a `--member ID` option that shows only that member's line, e.g.
    `python -m shelf fees --member M004`" — the hand solution was refused for not holding
    "python -m shelf fees --member M" in the code: the example is how to run it, not what it prints."""
    from agentrunner.agent.verification import example_problem

    item = "`fees` needs a `--member ID` option: only that member's line, e.g. `python -m shelf fees --member M004`"
    code = [change("shelf/cli.py", "X = 1\n", "X = 1\nparser.add_argument('--member')\n")]
    assert example_problem(code, item) is None
    assert example_problem(code, "`fees` prints a total line, like `Total: 12 loans`") is not None


@pytest.mark.skipif(shutil.which("git") is None, reason="no git")
def test_a_gitignore_missing_several_kinds_is_told_every_line_at_once(tmp_path: Path) -> None:
    """gitignore (session 6 baseline): told one missing line a turn, Qwen2.5-Coder-1.5B ran out of
    turns, and wrote `pytest_cache/` for `.pytest_cache/`. Every missing line comes at once, the
    quoted `.venv/` first of all (a `venv/` line does not ignore it), and a dropped dot is named."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    first = "*.pyc\n*.egg-info\nbuild/\ndist/\nvenv/\n"
    problem = asked_problem([change(".gitignore", None, first)], GITIGNORE_ITEM, tmp_path)
    assert problem and "add the lines `.pytest_cache/`, `.venv/`" in problem
    undotted_file = first + ".venv/\npytest_cache/\n"
    undotted = ignores_problem([change(".gitignore", None, undotted_file)], GITIGNORE_ITEM, tmp_path)
    assert undotted and "with the leading dot: `pytest_cache/` is not `.pytest_cache/`" in undotted
    assert "so that it reads:\n```\n*.pyc\n*.egg-info\nbuild/\ndist/\nvenv/\n.venv/\n.pytest_cache/\n```" in undotted


@pytest.mark.skipif(shutil.which("git") is None, reason="no git")
def test_a_gitignore_for_build_output_ignores_build_dist_and_the_egg_info(tmp_path: Path) -> None:
    """Held-out python-gitignore (Qwen, 5491bb8): "… __pycache__, their .venv and build output"
    got `__pycache__`, `.venv`, `build/` and was ticked; a Python build also writes dist/ and the
    egg-info."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    item = "add a .gitignore — people keep committing __pycache__, their .venv and build output"
    problem = ignores_problem([change(".gitignore", None, "__pycache__\n.venv\nbuild/\n")], item, tmp_path)
    assert problem and "add the lines `*.py[cod]`, `dist/`, `*.egg-info/`" in problem  # a stray .pyc is bytecode too
    right = "__pycache__/\n*.py[cod]\n.venv/\nbuild/\ndist/\n*.egg-info/\n"
    assert ignores_problem([change(".gitignore", None, right)], item, tmp_path) is None
    # a new .gitignore of a Python project ignores what every Python project does: a stray .pyc
    # and the pytest cache too (the same held-out chore's check, written blind to the agent)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    problem = ignores_problem([change(".gitignore", None, right)], item, tmp_path)
    assert problem and "does not ignore the pytest cache (e.g. .pytest_cache/v/cache/nodeids)" in problem
    assert "which a Python project's .gitignore ignores: add the line `.pytest_cache/`" in problem
    python = right + ".pytest_cache/\n"
    assert ignores_problem([change(".gitignore", None, python)], item, tmp_path) is None
    only = "add a .gitignore for only the .venv"
    assert ignores_problem([change(".gitignore", None, ".venv/\n")], only, tmp_path) is None
    assert ignores_problem([change(".gitignore", "x\n", "x\n.venv/\n")], "ignore the .venv", tmp_path) is None
    assert ignores_problem([change(".gitignore", None, ".env\n")], "Add `.env` to .gitignore", tmp_path) is None


@pytest.mark.skipif(shutil.which("git") is None, reason="no git")
def test_a_list_of_the_codes_todo_comments_has_each_with_its_file_and_line(tmp_path: Path) -> None:
    """list-todos (session 6 baseline): Qwen2.5-Coder-1.5B listed the TODO comments' text without
    their files and line numbers, which the item asks for; the message gives the bullets."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "cli.py").write_text("import sys\n\n# TODO: warn on big numbers\nX = 1\n", "utf-8")
    (tmp_path / "pkg" / "io.py").write_text("def read():\n    return 1  # TODO: read the BOM\n", "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    item = "Collect the TODO comments into `docs/todo.md`\nOne bullet per TODO with its file, line number and text."
    texts_only = "- TODO: warn on big numbers\n- TODO: read the BOM\n"
    problem = markers_problem([change("docs/todo.md", None, texts_only)], item, tmp_path)
    assert problem and "misses 2 of them" in problem
    assert "- pkg/cli.py, line 3: warn on big numbers\n- pkg/io.py, line 2: read the BOM" in problem
    right = "# TODO\n\n- `pkg/cli.py`:3 — warn on big numbers\n- pkg/io.py line 2: read the BOM\n"
    assert asked_problem([change("docs/todo.md", None, right)], item, tmp_path) is None
    extra = markers_problem([change("docs/todo.md", None, right + "- tasks/todo.md:1: a to-do\n")], item, tmp_path)
    assert extra and "has 3 bullets" in extra
    # a long one wrapped onto an indented line is still listed (heldout9 todo-inventory's hand solution)
    wrapped = "- `pkg/cli.py:3` warn on big\n  numbers\n- `pkg/io.py:2` read the BOM\n"
    assert markers_problem([change("docs/todo.md", None, wrapped)], item, tmp_path) is None
    # an item that changes the code the comment is in is no inventory
    fixed = [change("pkg/cli.py", "# TODO: x\n", "X = 2\n")]
    assert markers_problem(fixed, "Fix the TODO in pkg/cli.py", tmp_path) is None


LOADER = '''import csv


def load_items(path):
    """All items of a CSV export. Rows without a quantity are skipped."""
    items = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not row.get("quantity"):
                continue
            items.append(row)
    return items
'''
LOGGER_ITEM = (
    "`load_items` should log a warning for each row it skips (no quantity), naming the SKU\n"
    "Use a module-level logger (`logging.getLogger(__name__)`), no prints."
)


def test_a_print_where_the_item_asks_for_a_logger_and_no_prints_is_not_done() -> None:
    """Session 7, Gemma-only table: asked for a warning through `logging.getLogger(__name__)` and
    "no prints", Gemma 270M added `print(item)` (and dropped a TODO); every check passed and the
    item was ticked. The quoted call's function must be in the code, and "no prints" means none."""
    appended = "            items.append(row)\n"
    printed = LOADER.replace(appended, appended + "            print(row)\n")
    problem = asked_problem([change("pkg/loader.py", LOADER, printed)], LOGGER_ITEM, None)
    assert problem is not None and "getLogger" in problem
    logger = "import csv\n\nlog = logging.getLogger(__name__)\n"
    with_logger = "import logging\n\n" + printed.replace("import csv\n", logger)
    problem = asked_problem([change("pkg/loader.py", LOADER, with_logger)], LOGGER_ITEM, None)
    assert problem is not None and "the item says no prints, but the change adds a print call" in problem
    logged = with_logger.replace("print(row)", 'log.warning("skipped %s", row.get("sku"))')
    assert asked_problem([change("pkg/loader.py", LOADER, logged)], LOGGER_ITEM, None) is None
    # a print that was there before is not the item's
    kept = logged.replace("log.warning", "print")
    assert asked_problem([change("pkg/loader.py", printed, kept)], "Fix it, no prints", None) is None


def test_todo_comments_asked_for_in_a_package_are_those_of_the_package(tmp_path: Path) -> None:
    """heldout5 todo-inventory: "the TODO comments in the gradebook package" — the hand-written
    list (the package's five, not the one in tests/) was refused for missing the test file's."""
    (tmp_path / "gradebook").mkdir()
    (tmp_path / "gradebook" / "cli.py").write_text("X = 1  # TODO: an --output option\n", "utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_cli.py").write_text("# TODO: also cover --version\n", "utf-8")
    item = "Round up the TODO comments in the gradebook package into a TODO.md, each with its file"
    package_only = "- gradebook/cli.py: an --output option\n"
    assert markers_problem([change("TODO.md", None, package_only)], item, tmp_path) is None
    everywhere = item.replace("in the gradebook package", "of the project")
    problem = markers_problem([change("TODO.md", None, package_only)], everywhere, tmp_path)
    assert problem is not None and "tests/test_cli.py" in problem


def test_a_quoted_command_that_makes_the_files_is_no_text_to_write() -> None:
    """heldout9 gitignore-backups (Qwen, 952d3f9): "the .bak copies of the log that `plantcare water`
    leaves behind" — a right .gitignore was refused for lacking "plantcare"."""
    from agentrunner.agent.verification import literals_problem

    item = (
        "Extend .gitignore: the virtualenv (.venv/), build leftovers (build/, dist/, *.egg-info), the .bak "
        "copies of the log that `plantcare water` leaves behind, and the exports/ folder"
    )
    right = change(".gitignore", "__pycache__/\n", "__pycache__/\n.venv/\nbuild/\ndist/\n*.egg-info\n*.bak\nexports/\n")
    assert literals_problem([right], item, [".gitignore"]) is None
    # a quoted pattern is still text to write
    quoted = item.replace("(.venv/)", "(`.venv/`)")
    missing = change(".gitignore", "__pycache__/\n", "__pycache__/\nbuild/\n*.bak\n")
    assert "'.venv/'" in (literals_problem([missing], quoted, [".gitignore"]) or "")


def test_a_rename_leaves_no_old_name_in_the_projects_code(tmp_path: Path) -> None:
    """heldout9 rename-next-due (Qwen, 952d3f9): "next_due -> next_watering in plantcare/schedule.py
    … (tests too)" went to the general loop, which turned a TODO comment into a docstring in the
    named file; the file was named, the tests passed, and it was ticked."""
    from agentrunner.agent.checks import rename_problem

    (tmp_path / "pkg").mkdir()
    (tmp_path / "tests").mkdir()
    code = "def next_due(p):\n    # TODO: winter\n    return p\n"
    (tmp_path / "pkg" / "schedule.py").write_text(code, "utf-8")
    (tmp_path / "tests" / "test_schedule.py").write_text("from pkg.schedule import next_due\n", "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    item = "next_due -> next_watering in pkg/schedule.py, it reads better. Update everything that uses it (tests too)"
    unrelated = change("pkg/schedule.py", code, code.replace("# TODO: winter", '"""TODO: winter"""'))
    problem = rename_problem([unrelated], item, tmp_path)
    assert problem and problem.startswith("pkg/schedule.py: still mentions next_due")
    half = change("pkg/schedule.py", code, code.replace("next_due", "next_watering"))
    assert "tests/test_schedule.py: still mentions next_due" in (rename_problem([half], item, tmp_path) or "")
    test = "from pkg.schedule import next_watering\n"
    both = [half, change("tests/test_schedule.py", "from pkg.schedule import next_due\n", test)]
    assert rename_problem(both, item, tmp_path) is None
    assert rename_problem([unrelated], item + ", keep next_due as an alias", tmp_path) is None
    # another module's own `next_due` is not the named module's
    (tmp_path / "pkg" / "other.py").write_text("def next_due():\n    return 0\n", "utf-8")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    assert rename_problem(both, item, tmp_path) is None


def test_a_rename_in_a_named_module_looks_at_that_module_and_its_importers(tmp_path: Path) -> None:
    """`make run` (session 20): "Rename `calc_total` to `compute_total` in `examples/billing.py`" was
    refused because the repo's own tests/test_verification.py holds `calc_total` in a fixture string
    and says "billing" — a word, not an import. Only the named module and the files importing it (or
    importing the old name) are the rename's."""
    from agentrunner.agent.checks import rename_problem

    (tmp_path / "examples").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "templates").mkdir()
    code = "def calc_total(items):\n    return sum(items)\n"
    (tmp_path / "examples" / "billing.py").write_text(code, "utf-8")
    fixture = 'BILLING = "billing.py"\nSOURCE = "def calc_total(p):\\n    return sum(p)\\n"\n'
    (tmp_path / "tests" / "test_fixtures.py").write_text(fixture, "utf-8")
    (tmp_path / "templates" / "billing.py").write_text(code, "utf-8")  # a copy of its own, not imported
    user = "from examples.billing import calc_total\n\nprint(calc_total([1]))\n"
    (tmp_path / "examples" / "report.py").write_text(user, "utf-8")
    via_package = "from examples import billing\n\nprint(billing.calc_total([1]))\n"
    (tmp_path / "examples" / "summary.py").write_text(via_package, "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    item = "Rename `calc_total` to `compute_total` in `examples/billing.py`"
    renamed = change("examples/billing.py", code, code.replace("calc_total", "compute_total"))
    problem = rename_problem([renamed], item, tmp_path) or ""
    assert problem.startswith("examples/report.py: still mentions calc_total"), problem
    users = [
        renamed,
        change("examples/report.py", user, user.replace("calc_total", "compute_total")),
        change("examples/summary.py", via_package, via_package.replace("calc_total", "compute_total")),
    ]
    assert rename_problem(users[:2], item, tmp_path) == (
        "examples/summary.py: still mentions calc_total (the item renames it to compute_total): "
        "rename it everywhere, tests too"
    )
    assert rename_problem(users, item, tmp_path) is None


def test_a_rename_with_its_module_between_the_names_and_no_alias_wanted(tmp_path: Path) -> None:
    """heldout10 rename-mite-rate (Qwen, 847ba18): "Rename mite_rate (hivelog/varroa.py) to
    infestation_rate, in the package and the tests / No alias for the old name is needed". The
    module between the names hid the pair from the rename recipe and the check, and "alias" excused
    the old name: the model kept `mite_rate`, added a wrapper, and it was ticked."""
    from agentrunner.agent.checks import rename_problem
    from agentrunner.agent.recipes import ItemInfo, Rename

    (tmp_path / "pkg").mkdir()
    code = "def mite_rate(m, b):\n    return m / b\n"
    (tmp_path / "pkg" / "varroa.py").write_text(code, "utf-8")
    (tmp_path / "pkg" / "cli.py").write_text("from pkg.varroa import mite_rate\n", "utf-8")
    title = "Rename mite_rate (pkg/varroa.py) to infestation_rate, in the package and the tests"
    item = f"{title}\nNo alias for the old name is needed: nothing outside this repo calls it."
    wrapper = change("pkg/varroa.py", code, code + "\n\ndef infestation_rate(m, b):\n    return mite_rate(m, b)\n")
    problem = rename_problem([wrapper], item, tmp_path)
    assert problem and "still mentions mite_rate" in problem
    assert rename_problem([wrapper], f"{title}\nKeep mite_rate as an alias for now.", tmp_path) is None
    matched = Rename().match(ItemInfo(id="i", title=title, context="", tags=[], file="t.md"))
    assert matched == {"path": "pkg/varroa.py", "names": ["mite_rate", "infestation_rate"]}


def test_a_rename_everywhere_leaves_no_old_name_in_the_pages_either(tmp_path: Path) -> None:
    """heldout11 rename-species-totals: "species_totals → totals_by_species (birdlog.summary).
    Everywhere please, I don't want the old name hanging around anywhere" — the code was renamed,
    docs/usage.md still showed `species_totals`, and it was ticked. A changelog keeps its history."""
    from agentrunner.agent.checks import rename_problem

    (tmp_path / "pkg").mkdir()
    (tmp_path / "docs").mkdir()
    code = "def species_totals(rows):\n    return rows\n"
    (tmp_path / "pkg" / "summary.py").write_text(code, "utf-8")
    page = "Call `species_totals(rows)` for the counts.\n"
    (tmp_path / "docs" / "usage.md").write_text(page, "utf-8")
    (tmp_path / "CHANGELOG.md").write_text("## 1.0\n- `species_totals` added.\n", "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    item = "species_totals → totals_by_species (birdlog.summary). Everywhere please, no old name hanging around"
    code_only = [change("pkg/summary.py", code, code.replace("species_totals", "totals_by_species"))]
    problem = rename_problem(code_only, item, tmp_path)
    assert problem and problem.startswith("docs/usage.md: still mentions species_totals")
    both = [*code_only, change("docs/usage.md", page, page.replace("species_totals", "totals_by_species"))]
    assert rename_problem(both, item, tmp_path) is None  # the changelog's history stays
    quoted = page + "- [x] species_totals → totals_by_species, everywhere\n"  # the item quoted: no use
    both = [*code_only, change("docs/usage.md", page, quoted.replace("`species_totals", "`totals_by_species"))]
    assert rename_problem(both, item, tmp_path) is None
    assert rename_problem(code_only, "species_totals → totals_by_species in the package and tests", tmp_path) is None


def test_a_docstring_asked_after_a_colon_and_a_path_in_brackets_says_where_not_what() -> None:
    """heldout10 docstring-jars-filled: "jars_filled (hivelog/harvest.py) needs a docstring: which
    units …" — the path in brackets was read as what to say, and the hand solution was refused."""
    source = "def jars_filled(weight_lb, jar_grams=340):\n    return int(weight_lb * 453.6 // jar_grams)\n"
    item = (
        "jars_filled (pkg/harvest.py) needs a docstring: which units the weight and the jar size are in, "
        "what the default jar is, and what happens to a jar that is only part full"
    )

    documented = functools.partial(with_docstring, source, "340):\n")

    right = documented(
        "Full jars from a weight in pounds, jars of jar_grams grams (340 by default); a part full jar is not counted."
    )
    assert docstrings_problem([change("pkg/harvest.py", source, right)], item) is None
    vague = documented("Return the number of jars.")
    problem = docstrings_problem([change("pkg/harvest.py", source, vague)], item)
    assert problem and "which units the weight" in problem


def test_a_word_describing_what_the_code_does_is_no_change_asked() -> None:
    """heldout16 prefix-tests (Qwen, blind, 47bb5bc): "Write tests for prefix_of … a /P or /M on the end
    changes nothing" — "changes" read as a change asked, so the item was not one for tests only and
    the tests move (calls the model picks, values pinned by running them) was never made."""
    from agentrunner.agent.checks import asks_for_tests_only

    item = "Write tests for prefix_of (qsolog/callsigns.py)\n  G4ABC → G4, and a /P or /M on the end changes nothing."
    assert asks_for_tests_only(item)
    assert asks_for_tests_only("add tests for sort_rows; it sorts by name and updates the cache")
    for asks_more in (
        "Write tests for f and fix the typo",
        "Add tests, and make the changes the review asked for",
        "tests for f, then update the README",
        "tests for f: it crashes on a bug with empty input",
    ):
        assert not asks_for_tests_only(asks_more), asks_more


def test_a_change_said_not_to_be_made_is_no_change_asked() -> None:
    """heldout22 price-parser-tests (Qwen, blind, c532e8c): "write tests for fuelbook.fillups.parse_price
    … / tests only, no changes to the parser itself" read "changes to the parser" as a change asked, so
    the tests move was not made and the model wrote no test function in four turns."""
    from agentrunner.agent.checks import asks_for_tests_only

    assert asks_for_tests_only("write tests for parse_price — nothing tests it\ntests only, no changes to the parser")
    item = (
        "write tests for fuelbook.fillups.parse_price — the receipts give prices in every format going and nothing "
        "tests it\ntests only, no changes to the parser itself"
    )
    assert asks_for_tests_only(item)  # "every format" is a noun (the re-run: still no tests move)
    assert asks_for_tests_only("add tests for f, do not change f")
    assert asks_for_tests_only("write tests for f without changing it")
    assert not asks_for_tests_only("add tests for f and change g to return 0")
    assert not asks_for_tests_only("add tests for f; no tests for g, but fix g")


def test_a_bug_told_as_history_is_no_fix_asked() -> None:
    """heldout26 dev-time-tests (Qwen, blind, 3cd98d2): "Nothing tests parse_dev_time … which is how
    the 7m30s bug in 1.6.3 slipped through. Write tests for it" — "bug" read as one to fix, so the
    tests move (values pinned by running the calls) was not made; Qwen's own tests pinned 570 for
    `9:45` and the item failed after six turns."""
    from agentrunner.agent.checks import asks_for_tests_only

    item = (
        "Nothing tests parse_dev_time (filmlog/units.py) directly, which is how the 7m30s bug in 1.6.3 slipped "
        "through. Write tests for it\n  it should read `9:45`, `7m30s`, `6.5 min` and a bare `11` into seconds"
    )
    assert asks_for_tests_only(item)
    assert asks_for_tests_only("add tests for f — the empty-input bug was fixed last week and nothing tests it")
    assert not asks_for_tests_only("add tests for f, it has a bug with empty input")
    assert not asks_for_tests_only("the bug in f: write a test that shows it, then fix it")


def test_tests_given_to_a_function_are_tests_asked() -> None:
    """heldout18 parse-temperature-tests (Qwen, blind, 8fee5b3, ticked WRONG): "parse_temperature … is
    only ever exercised through load_readings. Give it proper unit tests of its own" was not read as
    tests asked: the general loop reworded the docstring, and that was ticked."""
    from agentrunner.agent.checks import asks_for_new_tests, asks_for_tests_only

    item = (
        "parse_temperature in tanklog/readings.py is only ever exercised through load_readings. "
        "Give it proper unit tests of its own"
    )
    assert asks_for_tests_only(item)
    assert asks_for_new_tests("it deserves tests") and asks_for_new_tests("Give the parser some pytest tests")
    # heldout21 parse-rise-tests (Qwen, blind, 3a9ebd1): not read, the model changed nothing
    assert asks_for_tests_only("nothing tests parse_rise (leaven/feeds.py) — give it a proper set of tests")
    assert not asks_for_new_tests("nothing tests the patience of a baker like rye")
    # heldout44 parse-length-tests (Qwen, blind, e64ad7b): not read, the loop wrote the function back as its answer
    assert asks_for_tests_only("No test touches parse_length (courtbook/bookings.py) directly — add a proper set")
    assert not asks_for_new_tests("No test touches the network, so add a proxy setting to the CLI")
    for not_asked in ("get the tests passing again", "I want the tests green", "fix it and get the tests to pass"):
        assert not asks_for_new_tests(not_asked), not_asked


def test_the_readme_and_the_new_docs_page_an_item_names_must_be_where_the_change_is(tmp_path: Path) -> None:
    """heldout18 water-change-docs (Qwen, blind, 8fee5b3, ticked WRONG): "Write a docs/ page walking
    through it … and link it from the README" — two sentences appended to docs/usage.md, the README
    as it was, ticked."""
    from agentrunner.agent.checks import places_problem

    (tmp_path / "README.md").write_text("# tanklog\n", "utf-8")
    item = "Write a docs/ page walking through how `tanklog change` works it out, and link it from the README"
    appended = change("docs/usage.md", "# Usage\n", "# Usage\n\nHow the change is worked out.\n")
    assert places_problem([appended], item, tmp_path) == (
        "the item asks for a change in README.md, and it did not change: make it there"
    )
    readme = change("README.md", "# tanklog\n", "# tanklog\n\nSee docs/water-change.md.\n")
    assert places_problem([appended, readme], item, tmp_path) == (
        "the item asks for a new page under docs/, and none was created: write it as a new file there"
    )
    page = change("docs/water-change.md", None, "# Water changes\n\nHow the change is worked out.\n")
    assert places_problem([page, readme], item, tmp_path) is None
    assert places_problem([appended], "Explain the water change in docs/usage.md", tmp_path) is None
    assert places_problem([appended], "the README says 3 but the code says 4: fix the code", tmp_path) is None


def test_hints_with_any_are_refused_when_the_item_says_no_any() -> None:
    """heldout18 status-type-hints (Qwen, blind, 8fee5b3, ticked WRONG): "No Any, no `type: ignore`" —
    the hints move wrote `Iterator[Any] | list[str]` and `tuple[Any, ...]`, mypy --strict passed, ticked."""
    from agentrunner.agent.checks import type_hints_problem

    source = "def worst(levels):\n    rows = []\n    return max(levels)\n"
    anyway = (
        "from typing import Any\n\n\ndef worst(levels: list[Any]) -> str:\n"
        "    rows: list[tuple[Any, ...]] = []\n    return max(levels)\n"
    )
    item = "Type hints for pkg/status.py\n  target: `mypy --strict pkg/status.py` passes. No Any, no `type: ignore`"
    problem = type_hints_problem([change("pkg/status.py", source, anyway)], item) or ""
    assert problem.startswith("pkg/status.py: the item says no `Any`, and the hints use it: `"), problem
    assert "`list[tuple[Any, ...]]`" in problem and "`list[Any]`" in problem
    assert type_hints_problem([change("pkg/status.py", source, anyway)], "Type hints for pkg/status.py") is None
    # heldout19 rest-type-hints (seen re-run, ticked WRONG): said another way
    papered = "add hints to pkg/status.py. Don't paper over it with Any or `# type: ignore`"
    assert "says no `Any`" in (type_hints_problem([change("pkg/status.py", source, anyway)], papered) or "")
    assert type_hints_problem([change("pkg/status.py", source, anyway)], "hints; don't use any globals") is None
    precise = "def worst(levels: list[str]) -> str:\n    rows: list[str] = []\n    return max(levels)  # type: ignore\n"
    problem = type_hints_problem([change("pkg/status.py", source, precise)], item) or ""
    assert problem == "pkg/status.py: the item says no `type: ignore`, and the change added one: fix the type"
    assert type_hints_problem([change("pkg/status.py", source, precise.replace("  # type: ignore", ""))], item) is None


def test_hints_that_break_the_code_calling_them_are_refused(tmp_path: Path) -> None:
    """heldout17 inspection-hints (Qwen, blind, 2d2ff7f, ticked WRONG): the hints move annotated a
    function's result as `object`; `allot/cli.py` then read `.plot` of it and `mypy allot` failed —
    only the annotated module had been checked. mypy runs over the package as it was and as it is."""
    from agentrunner.agent.checks import callers_typed_problem

    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", "utf-8")
    models = "from dataclasses import dataclass\n\n\n@dataclass\nclass Visit:\n    plot: str\n\n\n"
    before = models + "def latest(visits):\n    return visits[-1]\n"
    cli = "from pkg.m import Visit, latest\n\n\ndef show(visits: list[Visit]) -> None:\n"
    cli += "    print(latest(visits).plot)\n"
    (pkg / "cli.py").write_text(cli, "utf-8")
    (pkg / "other.py").write_text("def broken() -> int:\n    return 'already wrong'\n", "utf-8")  # not the hints'
    item = "add type hints to pkg/m.py"
    wrong = models + "def latest(visits: list[object]) -> object:\n    return visits[-1]\n"
    (pkg / "m.py").write_text(wrong, "utf-8")
    problem = callers_typed_problem([change("pkg/m.py", before, wrong)], item, tmp_path)
    assert problem is not None and 'pkg/cli.py: error: "object" has no attribute "plot"' in problem
    assert "other.py" not in problem
    right = models + "def latest(visits: list[Visit]) -> Visit:\n    return visits[-1]\n"
    (pkg / "m.py").write_text(right, "utf-8")
    assert callers_typed_problem([change("pkg/m.py", before, right)], item, tmp_path) is None
    assert callers_typed_problem([change("pkg/m.py", before, wrong)], "add a docstring to pkg/m.py", tmp_path) is None


def test_a_program_fix_answered_by_prose_only_is_refused() -> None:
    """heldout17 late-start-rent-bug (Qwen, blind, 2d2ff7f, ticked WRONG): "Rent bug: … bills her
    £139.51, a whole year … Needs fixing" got a `docs/notes.md` describing a made-up fix; no code
    changed. An item about the prose itself (a README typo, a docs page that is wrong) is not this."""
    from agentrunner.agent.checks import prose_fix_problem

    bug = "Rent bug: C4 was taken on 1 April, but `python -m allot rent` bills a whole year. Needs fixing."
    notes = [change("docs/notes.md", None, "The bug is in annual_rent. To fix it, add a check.\n")]
    problem = prose_fix_problem(notes, bug)
    assert problem is not None and problem.startswith("the item asks for the program to be fixed")
    assert prose_fix_problem([*notes, change("allot/rent.py", "x = 1\n", "x = 2\n")], bug) is None
    assert prose_fix_problem(notes, "The README is wrong about the rent year: fix it") is None
    assert prose_fix_problem(notes, "fix the typo in docs/usage.md") is None


def test_a_page_changed_that_the_item_asks_nothing_of_is_refused() -> None:
    """heldout22 topup-economy-too-good (Qwen, blind, c532e8c, ticked WRONG): "economy report flatters
    the car: 2025-12-13 comes out at 4.5 L/100km and 2026-03-21 at 2.9 …" — no bug word, no command —
    got a README section repeating the item. A change that is only to existing pages the item names in
    no way, by path, name or a word about prose, is refused; a new page, code, or a page it names is not."""
    from agentrunner.agent.checks import unasked_prose_problem

    item = "economy report flatters the car: 2025-12-13 comes out at 4.5 L/100km. It never did better than 6."
    section = [change("README.md", "# fuelbook\n", "# fuelbook\n\n## Economy\n\nIt flatters the car.\n")]
    problem = unasked_prose_problem(section, item)
    assert problem is not None and problem.startswith("only README.md changed, and the item asks nothing of it")
    assert unasked_prose_problem([*section, change("fuelbook/economy.py", "x = 1\n", "x = 2\n")], item) is None
    assert unasked_prose_problem([change("docs/economy.md", None, "# Economy\n")], item) is None
    for asks_prose in (
        "the README's economy example is out of date", "explain the economy report", "fix the usage",
        "the install steps don't work on macOS",
    ):
        assert unasked_prose_problem(section, asks_prose) is None, asks_prose


def test_an_option_asked_and_in_no_parser_after_a_code_change_is_refused(tmp_path: Path) -> None:
    """heldout18 change-json (Qwen, 0277195, seen re-run, ticked WRONG): "`tanklog change --json` for
    the dashboard script: a JSON list …" got an unused `Change` class in cli.py; `--json` was in no
    parser, so the `runs` check had no new option to run, and it was ticked."""
    from agentrunner.agent.options import missing_option_problem

    (tmp_path / "tanklog").mkdir()
    (tmp_path / "tanklog" / "__main__.py").write_text("from tanklog.cli import main\n\nmain()\n", "utf-8")
    cli = "import argparse\n\n\ndef main():\n    p = argparse.ArgumentParser()\n    p.add_argument('--target')\n"
    (tmp_path / "tanklog" / "cli.py").write_text(cli, "utf-8")
    item = "`tanklog change --json` for the dashboard script; has to respect --target as well"
    unused = change("tanklog/cli.py", cli, cli + "\n\nclass Change:\n    pass\n")
    assert missing_option_problem([unused], item, tmp_path) == (
        "the item asks for `--json`, and no parser has it: add it where the command's options are"
    )
    added = change("tanklog/cli.py", cli, cli + "    p.add_argument('--json', action='store_true')\n")
    assert missing_option_problem([added], item, tmp_path) is None
    # another program's options are not the project's to add; no code changed, nothing to say here
    hints = "Type hints for tanklog/cli.py: `mypy --strict tanklog/cli.py` passes"
    assert missing_option_problem([unused], hints, tmp_path) is None
    assert missing_option_problem([unused], "annotate cli.py, mypy --strict clean", tmp_path) is None
    assert missing_option_problem([change("README.md", "a\n", "b\n")], item, tmp_path) is None


def test_hints_asked_without_the_word_type() -> None:
    """heldout19 rest-type-hints (Qwen, blind, 1e4bba6): "roastlog/rest.py is still untyped — add
    hints to everything in it" was not read as hints asked: no move, and the model changed nothing."""
    from agentrunner.agent.checks import asks_for_type_hints

    assert asks_for_type_hints("roastlog/rest.py is still untyped — add hints to everything in it")
    assert asks_for_type_hints("pkg/m.py needs hints")
    assert not asks_for_type_hints("add a hint to the error message")
    assert not asks_for_type_hints("the hints in the README are out of date")


def test_the_ways_of_writing_an_input_a_docstring_is_asked_for_are_shown() -> None:
    """heldout25 pressure-docstring (Qwen, blind, cde4bad, ticked WRONG): "Add one: which ways of
    writing a reading it accepts, what it gives back (which number first), and when it raises" was
    read as its parenthesis alone, and "takes a string representing a blood pressure reading" passed.
    The list after "Add one:" is what is asked, and the ways of writing are shown, two at least."""
    code = "def parse_pressure(text):\n    if '/' not in text:\n        raise ValueError(text)\n    return 1, 2\n"
    item = (
        "parse_pressure in bplog/readings.py has no docstring. Add one: which ways of writing a reading it "
        "accepts, what it gives back (which number first), and when it raises"
    )
    documented = functools.partial(with_docstring, code, "):\n")
    vague = documented(
        "The `parse_pressure` function in `bplog/readings.py` takes a string representing a blood pressure "
        "reading and returns a tuple of two integers, systolic first. A `ValueError` is raised if the input "
        "does not match the expected format."
    )
    problem = docstrings_problem([change("bplog/readings.py", code, vague)], item)
    assert problem is not None and "which ways of writing a reading it accepts" in problem, problem
    shown = documented(
        "Read a reading as typed: ``128/82``, ``128-82`` or ``128 over 82``. Returns (systolic, diastolic), "
        "systolic first. Raises ValueError for anything else."
    )
    assert docstrings_problem([change("bplog/readings.py", code, shown)], item) is None
    # the seen re-run: two of the three ways the code's own pattern spells out, the dash left out
    pattern = "import re\n\n_PRESSURE = re.compile(r'(\\d+)\\s*(?:/|-|over)\\s*(\\d+)')\n\n\n"
    reads = pattern + code.replace("if '/' not in text:", "if not _PRESSURE.match(text):")
    two = with_docstring(reads, "(text):\n", "Reads '120/80' or '120 over 80'. Returns (systolic, diastolic), "
                         "systolic first. Raises ValueError otherwise.")
    problem = docstrings_problem([change("bplog/readings.py", reads, two)], item)
    assert problem is not None and "not `-`" in problem, problem
    three = two.replace("or '120 over 80'", "'120-80' or '120 over 80'")
    assert docstrings_problem([change("bplog/readings.py", reads, three)], item) is None
    # a symbol between letters is shown by an example quoting it ('120/8O mmHg/kPa'-like units: heldout42
    # brine-docstring's '35 g/L' was refused for "not `/`"), not by a word of prose around it
    units = reads.replace("(?:/|-|over)", "(?:-|over)\\s*mm\\s*(?:/|per)")
    quoted = with_docstring(units, "(text):\n", "Reads '120-80 mm/hg' and '120 over 80 mm per hg'. "
                            "Returns (systolic, diastolic), systolic first. Raises ValueError otherwise.")
    assert docstrings_problem([change("bplog/readings.py", units, quoted)], item) is None
    prose = quoted.replace("'120-80 mm/hg' and ", "'120-80 mm per hg' and ").replace("Raises", "Raises and/or")
    problem = docstrings_problem([change("bplog/readings.py", units, prose)], item)
    assert problem is not None and "not `/`" in problem, problem
    # a word written on a number is shown by it: '10am', '7pm' (heldout44 parse-start-docstring's
    # docstring of runs was refused for "not `am`, `pm`"); inside another word it is not
    clock = reads.replace("(?:/|-|over)", "(?:am|pm)")
    suffixed = with_docstring(clock, "(text):\n", "Reads '120am' and '10pm'. Returns (systolic, diastolic), "
                              "systolic first. Raises ValueError otherwise.")
    assert docstrings_problem([change("bplog/readings.py", clock, suffixed)], item) is None
    inside = suffixed.replace("'10pm'", "'10' (a spam reading)")
    problem = docstrings_problem([change("bplog/readings.py", clock, inside)], item)
    assert problem is not None and "not `pm`" in problem, problem


def test_a_docstring_giving_back_the_unit_the_code_converts_from_is_refused() -> None:
    """heldout27 distance-docstring (Qwen, blind, d18d089, ticked WRONG): "… returns the distance in
    kilometers" where the code divides kilometres by `KM_PER_NM` and returns nautical miles."""
    source = (
        "KM_PER_NM = 1.852\n\n\ndef parse_distance(text: str) -> float:\n"
        "    value, unit = float(text[:-2]), text[-2:]\n    if unit == 'km':\n        value /= KM_PER_NM\n"
        "    return round(value, 2)\n"
    )
    item = "parse_distance in pkg/p.py has no docstring — write one: which spellings, what unit it hands back"
    end = "def parse_distance(text: str) -> float:\n"
    wrong = with_docstring(source, end, "Takes '12nm' or '20km' and returns the distance in kilometers.")
    problem = docstrings_problem([change("pkg/p.py", source, wrong)], item)
    assert problem and "gives back kilometers, but the code converts to nm" in problem
    for right in (
        "Takes '12nm' or '20km' (kilometres are converted) and returns the distance in nautical miles.",
        "Reads '12nm' or '20km'. Returns nautical miles; a km distance is divided by KM_PER_NM.",
        "Reads '12 nm' or '20 km', the result in NM.",
    ):
        assert docstrings_problem([change("pkg/p.py", source, with_docstring(source, end, right))], item) is None, right


TEMPO = '''import re

_TEMPO = re.compile(r"(?:(?:q|♩)\\s*=\\s*)?(\\d+)\\s*(?:bpm)?")


def parse_tempo(text):
    value = text.strip().lower()
    if value in ("", "-"):
        return None
    match = _TEMPO.fullmatch(value)
    if not match:
        raise ValueError(text)
    return int(match[1])
'''


def test_a_docstring_cut_off_and_one_without_the_symbols_forms_or_its_error_are_refused() -> None:
    """heldout28 tempo-docstring (Qwen, blind, ea80789, ticked WRONG): "… which spellings it takes,
    what it gives back, when it blows up" got "… It handles various formats of tempo notation,
    including" — cut off, no `q=`/`♩=` form (a symbol was read as no plain spelling) and no
    ValueError ("blows up" was no word for an error)."""
    item = "parse_tempo (pianolog/sessions.py) needs a proper docstring — which spellings it takes, what it gives " \
        "back, when it blows up"
    cut = with_docstring(TEMPO, "(text):\n", "Takes a tempo and returns the integer BPM value. It handles various "
                         "formats of tempo notation, including")
    problem = docstrings_problem([change("pianolog/sessions.py", TEMPO, cut)], item)
    assert problem is not None and "stops mid-sentence" in problem, problem
    no_symbol = with_docstring(TEMPO, "(text):\n", "A tempo as ``96``, ``96 bpm`` or ``q=96``. Returns the bpm, "
                               "None for a blank. Raises ValueError for anything else.")
    problem = docstrings_problem([change("pianolog/sessions.py", TEMPO, no_symbol)], item)
    assert problem is not None and "not `♩`" in problem, problem
    no_error = with_docstring(TEMPO, "(text):\n", "A tempo as ``96``, ``96 BPM``, ``q=96`` or ``♩=96``. Returns the "
                              "bpm, None for a blank.")
    problem = docstrings_problem([change("pianolog/sessions.py", TEMPO, no_error)], item)
    assert problem is not None and "ValueError" in problem, problem
    right = no_error.replace("None for a blank.", "None for a blank. Raises ValueError for anything else.")
    assert docstrings_problem([change("pianolog/sessions.py", TEMPO, right)], item) is None
    # the seen re-run: every form and the error, not the None a blank gives back (ticked WRONG)
    no_none = right.replace(", None for a blank", "")
    problem = docstrings_problem([change("pianolog/sessions.py", TEMPO, no_none)], item)
    assert problem is not None and "gives back None" in problem, problem


def test_what_a_docstring_must_say_may_follow_a_dash() -> None:
    """heldout29 gauge-docstring (Qwen, blind, 177ca5f, ticked WRONG): "parse_gauge … needs a proper
    docstring — forms it accepts, what comes back and in what unit, when it raises" was read as
    asking nothing after the dash; the docstring named no unit."""
    code = (
        "def parse_gauge(text):\n    if '-' not in text:\n        raise ValueError(text)\n"
        "    return tuple(int(p) for p in text.split('-'))\n"
    )
    item = (
        "parse_gauge (stringlog/parsing.py) needs a proper docstring — forms it accepts, what comes back and in "
        "what unit, when it raises"
    )
    vague = with_docstring(code, "(text):\n", "Takes a string like '10-46' or '9-42' representing a gauge and returns "
                           "a tuple of two integers. Raises ValueError for anything else.")
    problem = docstrings_problem([change("stringlog/parsing.py", code, vague)], item)
    assert problem is not None and "unit" in problem, problem
    right = vague.replace("two integers", "two integers in thousandths of an inch")
    assert docstrings_problem([change("stringlog/parsing.py", code, right)], item) is None
    # the shape it comes back in says what comes back (the suite's hand solution)
    shaped = with_docstring(code, "(text):\n", "Read a string gauge into ``(treble, bass)`` in thousandths of an "
                            "inch. Accepts ``10-46`` and ``.010-.046``. Raises ValueError for anything else.")
    assert docstrings_problem([change("stringlog/parsing.py", code, shaped)], item) is None
