"""agent/factors.py: a page asked to say how a module's units convert gives the module's factors.

heldout8 units-docs (blind, session 14): the page listed every unit and alias of
recipebox/units.py and no factor (a kilogram is 1000 g, a tablespoon 15 ml), and was ticked.
Real files in a tmp project, no model.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from agentrunner.agent.checks import item_problem
from agentrunner.agent.factors import asked_values_problem, constants_problem, factor_tables, factors_problem
from agentrunner.agent.journal import FileChange

UNITS = """from decimal import Decimal
from fractions import Fraction

MASS = "mass"
# Grams in one of each mass unit.
MASS_UNITS = {"g": Fraction(1), "kg": Fraction(1000)}
VOLUME_UNITS: dict[str, Fraction] = {"ml": Fraction(1), "l": Fraction(1000), "tsp": Fraction(5), "tbsp": Fraction(15)}
COUNT_UNITS = {"", "egg", "clove"}
ALIASES = {"kilo": "kg", "grams": "g"}
RATES = {"EUR": Decimal("1"), "USD": Decimal("0.92")}
SINGLE = {"x": 2}
"""
ITEM = (
    "Write docs/units.md for contributors: what recipebox/units.py does — the units it knows and how they "
    "convert, what it does with counted things (eggs, cloves…), and what happens with a unit it doesn't know"
)
LISTED = "## Units\n\n- Grams (`g`), kilograms (`kg`)\n- Millilitres (`ml`), litres (`l`), teaspoons (`tsp`)\n"
FACTORS = (
    "## Units\n\n| unit | in base units |\n|---|---|\n| g | 1 |\n| kg | 1,000 g |\n| ml | 1 |\n| l | 1000 ml |\n"
    "| tsp | 5 ml |\n| tbsp | 15 ml |\n\nCounted things (eggs) are never converted; an unknown unit raises UnitError.\n"
)


def project(tmp_path: Path) -> Path:
    (tmp_path / "recipebox").mkdir()
    (tmp_path / "recipebox" / "units.py").write_text(UNITS, "utf-8")
    return tmp_path


def test_the_tables_of_factors_of_a_module() -> None:
    tables = factor_tables(UNITS)
    assert tables == {
        "MASS_UNITS": {"g": Fraction(1), "kg": Fraction(1000)},
        "VOLUME_UNITS": {"ml": 1, "l": 1000, "tsp": 5, "tbsp": 15},
        "RATES": {"EUR": 1, "USD": Fraction(23, 25)},
    }  # a set, names to names and a single pair are no tables of factors


def test_a_page_listing_the_units_without_their_factors_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    problem = factors_problem([FileChange("docs/units.md", None, LISTED.encode())], ITEM, root)
    assert problem == (
        "docs/units.md does not say how the units of MASS_UNITS in recipebox/units.py convert (kg = 1000): "
        "state each one's factor, as the code has it"
    )
    # and so the gate refuses it
    assert item_problem([FileChange("docs/units.md", None, LISTED.encode())], ITEM, root) == problem


def test_a_page_with_the_factors_in_any_layout_passes(tmp_path: Path) -> None:
    root = project(tmp_path)
    # RATES is not what this page is about (it names none of its keys): not asked for
    assert factors_problem([FileChange("docs/units.md", None, FACTORS.encode())], ITEM, root) is None
    prose = "A kg is 1000 g. A l is 1000 ml, a tsp 5 ml and a tbsp 15 ml. USD converts at 0.92.\n"
    assert factors_problem([FileChange("docs/units.md", None, prose.encode())], ITEM, root) is None


def test_an_item_not_asking_how_they_convert_asks_for_no_factor(tmp_path: Path) -> None:
    root = project(tmp_path)
    item = "Write docs/units.md: which units recipebox/units.py knows"
    assert factors_problem([FileChange("docs/units.md", None, LISTED.encode())], item, root) is None


def test_a_page_asked_which_values_a_thing_of_the_module_works_with_states_them(tmp_path: Path) -> None:
    """heldout9 schedule-docs (Qwen, 952d3f9): "how the winter stretch works (which months, by how
    much)" got "stretched by half in winter months" — never which months — and was ticked."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "schedule.py").write_text(
        "WINTER_MONTHS = (11, 12, 1, 2)\nWINTER_STRETCH = 1.5\nMAX_DAYS = 60\n\n\ndef f():\n    return 1\n", "utf-8"
    )
    item = "Contributor docs for pkg/schedule.py -> docs/schedule.md\n"
    item += "how the winter stretch works (which months, by how much)"

    def problem(page: str) -> str | None:
        return asked_values_problem([FileChange("docs/schedule.md", None, page.encode())], item, tmp_path)

    vague = problem("Intervals are stretched by half in winter months.")
    assert vague and "WINTER_MONTHS = 11, 12, 1, 2" in vague and "WINTER_STRETCH" not in vague
    for right in (
        "From November to February intervals are stretched by half.",
        "In months 11, 12, 1 and 2 an interval is multiplied by 1.5.",
        "`WINTER_MONTHS` (Nov-Feb) stretch intervals by 50 %.",
    ):
        assert problem(right) is None, right
    assert "WINTER_STRETCH = 1.5" in (problem("From November to February intervals are longer.") or "")
    # asked no values: no constants needed
    plain = "Contributor docs for pkg/schedule.py -> docs/schedule.md: how the winter stretch works"
    assert asked_values_problem([FileChange("docs/schedule.md", None, b"Longer in winter.")], plain, tmp_path) is None


def test_a_page_on_a_module_states_each_of_its_constants_whatever_the_item_asks(tmp_path: Path) -> None:
    """Four blind suites had a contributor page ticked that left out the numbers its module works
    by, each time asked in other words; a page on a module states them all (values or names)."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "fees.py").write_text(
        "FEE_PER_DAY = 0.25\nGRACE_DAYS = 3\nCAP = 10\n\n\ndef late_fee(days):\n    return days\n", "utf-8"
    )
    item = "Write docs/fees.md for contributors: what pkg/fees.py does"

    def problem(page: str, asked: str = item, path: str = "docs/fees.md") -> str | None:
        return constants_problem([FileChange(path, None, page.encode())], asked, tmp_path)

    vague = problem("`late_fee(days)` works out the fee for a late return, per day, after a grace period.")
    assert vague and "FEE_PER_DAY = 0.25" in vague and "GRACE_DAYS = 3" in vague and "CAP = 10" in vague
    assert "CAP = 10" in (problem("25 cents a day after 3 days of grace.") or "")
    for right in (
        "0.25 a day, after 3 grace days, never more than 10 in all.",
        "`late_fee` charges `FEE_PER_DAY` (0.25) after `GRACE_DAYS` (3), up to `CAP` (10).",
    ):
        assert problem(right) is None, right
    assert problem("`late_fee` charges `FEE_PER_DAY` after `GRACE_DAYS`, up to `CAP`.")  # names, no values
    # a page that only mentions the module, and an item on no module, ask for nothing
    assert problem("Nothing.", "Add a line on pkg/fees.py to the CHANGELOG") is None
    assert problem("Nothing.", "Write docs/late.md: how fees work", "docs/late.md") is None


def test_a_page_named_after_a_module_is_a_page_on_it_and_numbers_may_be_words(tmp_path: Path) -> None:
    """heldout10 varroa-docs (Qwen, 847ba18): docs/varroa.md, asked "where the cut-offs are" with no
    module file named, gave them as 10 % and 20 % where hivelog/varroa.py has 1 and 3; ticked. The
    page's name is the module's; "two days" and "$10" (for ``MAX_FEE_CENTS = 1000``) state values."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "varroa.py").write_text("LOW_BELOW = 1.0\nTREAT_AT = 3.0\n", "utf-8")
    (tmp_path / "pkg" / "fees.py").write_text("GRACE_DAYS = 2\nMAX_FEE_CENTS = 1000\n", "utf-8")
    item = "docs/varroa.md for the bee club: how the mite rate is worked out and where the cut-offs are"

    def problem(path: str, page: str, asked: str = item) -> str | None:
        return constants_problem([FileChange(path, None, page.encode())], asked, tmp_path)

    made_up = problem("docs/varroa.md", "Low is 10% or less; treat from 20%.")
    assert made_up and "pkg/varroa.py" in made_up and "LOW_BELOW = 1" in made_up and "TREAT_AT = 3" in made_up
    assert problem("docs/varroa.md", "Low: under 1 mite per 100 bees; treat at 3 or more.") is None
    # re-run after that refusal, Qwen put the constants' names over its own numbers: names are not values
    named = problem("docs/varroa.md", "### LOW_BELOW\nLow is 10% or less.\n### TREAT_AT\nTreat from 20%.")
    assert named and "LOW_BELOW = 1" in named
    assert problem("docs/mites.md", "Low is 10% or less.") is None  # named after no module
    fees = "Write docs/fees.md for the front desk: how late fees work"
    assert problem("docs/fees.md", "A grace period of two days; never more than $10 a loan.", fees) is None
    assert "GRACE_DAYS = 2" in (problem("docs/fees.md", "Never more than $10.00 a loan.", fees) or "")


def test_pence_are_stated_in_pounds_or_with_a_p(tmp_path: Path) -> None:
    """heldout17 rent-docs' hand solution was refused: `MINIMUM_RENT_PENCE = 1500` stated as "£15.00"
    and `RATE_PENCE_PER_SQM = 52` as "52p a square metre" — only `*_CENTS` as dollars was read."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "rent.py").write_text("RATE_PENCE_PER_SQM = 52\nMINIMUM_RENT_PENCE = 1500\n", "utf-8")
    item = "New page docs/rent.md: how rent is worked out, with the actual figures from pkg/rent.py"

    def problem(page: str) -> str | None:
        return constants_problem([FileChange("docs/rent.md", None, page.encode())], item, tmp_path)

    assert problem("Charged at 52p a square metre, never less than £15.00 a year.") is None
    assert problem("Charged at 52 pence per m²; the minimum is £15.") is None
    missing = problem("Charged by the square metre, never less than £15.00 a year.")
    assert missing and "RATE_PENCE_PER_SQM = 52" in missing


def test_a_page_on_listed_topics_states_those_constants_and_a_fraction_may_be_a_percent(tmp_path: Path) -> None:
    """heldout20 scoring-docs: the hand page was refused for leaving out WORKING_DAYS (another
    feature of the module than the topics the item lists) and for "a 20% bonus" (FLASH_BONUS =
    0.20, read only as 0.2 or a 20% change of 1)."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "scoring.py").write_text(
        "BASE_POINTS = 100\nFLASH_BONUS = 0.20\nREPEAT_FACTOR = 0.5\nWORKING_DAYS = 60\n\n\n"
        "def top_points(grade):\n    return grade\n",
        "utf-8",
    )
    item = "Write up how the points of pkg/scoring.py work in docs/scoring.md: per grade, flashes and repeats, rounding"

    def problem(page: str) -> str | None:
        return constants_problem([FileChange("docs/scoring.md", None, page.encode())], item, tmp_path)

    assert problem("A V0 is 100 points; a flash adds a 20% bonus; a repeat scores 0.5 of it.") is None
    # heldout20 scoring-docs re-run (Qwen, session 23): "This bonus is 0.20." and "a fifth more" state it
    assert problem("A V0 is 100 points; a flash: a bonus of 0.20; a repeat scores 0.5 of it.") is None
    assert problem("A V0 is 100 points; a flash scores a fifth more; a repeat scores half.") is None
    assert problem("A V0 is 100 points; a flash adds 0.205; a repeat scores half.")  # not the code's number
    missing = problem("A V0 is 100 points; a flash adds a bonus; a repeat scores half.") or ""
    assert "FLASH_BONUS = 0.2" in missing and "WORKING_DAYS" not in missing, missing
    # without a list of topics every constant is asked for
    whole = "Write docs/scoring.md for contributors: what pkg/scoring.py does"
    page = "A V0 is 100 points; a flash adds a 20% bonus; a repeat scores 0.5 of it."
    refused = constants_problem([FileChange("docs/scoring.md", None, page.encode())], whole, tmp_path) or ""
    assert "WORKING_DAYS = 60" in refused, refused
