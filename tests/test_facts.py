"""agent/facts.py: a page about the project states the project's numbers (issue 12, heldout3 fees-doc).

Real files in a tmp project, no model: the page Qwen2.5-Coder-1.5B wrote (made-up rate, grace and
cap, ticked before this check) is refused; the hand-written page, a worked example included, is not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agentrunner.agent.checks import item_problem
from agentrunner.agent.facts import explained_problem, facts_problem, quantities, sources_about
from agentrunner.agent.journal import FileChange

ITEM = (
    "- [ ] Write docs/fees.md: how late fees work, for the front-desk staff (not programmers)\n"
    "  The daily rate, the grace period and the cap — a short page of plain prose is plenty."
)
FEES = '''"""Late fees, always in whole cents."""

from .loans import days_overdue

FEE_PER_DAY_CENTS = 25
GRACE_DAYS = 2
MAX_FEE_CENTS = 1000


def calc_fee(loan, today):
    late = days_overdue(loan, today)
    if late <= GRACE_DAYS:
        return 0
    return min((late - GRACE_DAYS) * FEE_PER_DAY_CENTS, MAX_FEE_CENTS)
'''
LOANS = '''from datetime import timedelta

LOAN_DAYS = 21


def days_overdue(loan, today):
    return max(0, (today - loan.borrowed - timedelta(days=LOAN_DAYS)).days)
'''
# what the model wrote (run h3, 2026-12-01): ticked, every number but one made up
MADE_UP = """Late fees work as follows:

1. The daily rate is the amount charged for each day a book is overdue.
2. The grace period is the number of days a book can be overdue before the late fee starts to apply.
3. The cap is the maximum amount of late fee that can be charged for a single overdue book.

For example, if the daily rate is $10, the grace period is 3 days, and the cap is $50, then a book that
is overdue for 5 days will be charged a late fee of $50.
"""
RIGHT = """# Late fees

Every book is lent for 21 days. Members get a grace period of two days: a book that is one or two
days late costs nothing. From the third late day on, the fee is 25 cents a day. For example, a book
returned five days late costs three days of fees, which is 75 cents. No loan ever costs more than $10.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "shelf").mkdir()
    (tmp_path / "shelf" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "shelf" / "fees.py").write_text(FEES, encoding="utf-8")
    (tmp_path / "shelf" / "loans.py").write_text(LOANS, encoding="utf-8")
    (tmp_path / "shelf" / "cli.py").write_text("TIMEOUT_SECONDS = 3\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_fees.py").write_text("def test_x():\n    assert 50 == 50\n", encoding="utf-8")
    return tmp_path


def _page(text: str, path: str = "docs/fees.md", before: str | None = None) -> list[FileChange]:
    return [FileChange(path, before.encode() if before is not None else None, text.encode())]


def test_a_page_of_made_up_numbers_is_refused_naming_them_and_the_code(project: Path) -> None:
    problem = facts_problem(_page(MADE_UP), ITEM, project)
    assert problem is not None
    assert "$50" in problem and "5 days" in problem and "shelf/fees.py" in problem
    assert "$10" not in problem.split("found nowhere")[0]  # $10 is the code's cap (1000 cents)


def test_the_code_s_numbers_with_one_worked_example_pass(project: Path) -> None:
    assert facts_problem(_page(RIGHT), ITEM, project) is None


def test_the_check_runs_in_item_problem(project: Path) -> None:
    problem = item_problem(_page(MADE_UP), ITEM, project)
    assert problem is not None and "found nowhere" in problem


def test_numbers_only_in_a_test_or_an_unrelated_module_do_not_ground_a_page(project: Path) -> None:
    # 50 is in tests/test_fees.py and 3 in shelf/cli.py: neither is what the page is about
    page = "The cap is $50. The grace period is 3 days. The rate is $0.50 a day."
    assert facts_problem(_page(page), ITEM, project) is not None


def test_the_item_s_own_numbers_and_the_page_s_earlier_text_count(project: Path) -> None:
    item = "- [ ] Add to docs/fees.md that renewals cost $3 and holds expire after 7 days"
    before = "# Fees\n\nA lost card costs $4.\n"
    after = before + "\nA renewal costs $3. Holds expire after 7 days. A lost card still costs $4.\n"
    assert facts_problem(_page(after, before=before), item, project) is None


def test_changelogs_code_and_pages_without_quantities_are_not_read(project: Path) -> None:
    assert facts_problem(_page("- Fees are $99 now (3 days grace).\n", "CHANGELOG.md"), ITEM, project) is None
    assert facts_problem(_page("X = '$99 for 3 days'\n", "shelf/x.py"), ITEM, project) is None
    assert facts_problem(_page("Fees are charged per late book, capped per loan.\n"), ITEM, project) is None


def test_quantities_read_money_durations_and_percentages_in_words_and_digits() -> None:
    found = dict(quantities("$1,250.50, 25 cents, twenty-five cents, two days, a 3-day grace, 48 hours, 5%."))
    assert found["$1,250.50"] == {1250.5, 125050.0}
    assert {0.25, 25.0} == found["25 cents"] == found["twenty-five cents"]
    assert 2.0 in found["two days"] and 48.0 in found["two days"]  # 2 days is 48 hours in code
    assert 3.0 in found["3-day"] and 2.0 in found["48 hours"]
    assert 0.05 in found["5%"]
    assert quantities("Version 2.0 of 2026-03-05, step 1. Then 4 books.") == []


def test_sources_are_the_modules_the_item_is_about_and_their_imports(project: Path) -> None:
    # "fees" names shelf/fees.py, which imports shelf/loans.py; the tests and cli.py are not about it
    assert sources_about(project, ITEM, "") == ["shelf/fees.py", "shelf/loans.py"]
    # a page quoting a function: the module defining it
    assert "shelf/loans.py" in sources_about(project, "- [ ] Write docs/x.md", "`days_overdue` counts days")
    # nothing points anywhere: every non-test module
    assert sources_about(project, "- [ ] Write docs/x.md for newcomers", "") == [
        "shelf/__init__.py",
        "shelf/cli.py",
        "shelf/fees.py",
        "shelf/loans.py",
    ]


def test_a_number_ends_its_line_and_the_project_s_data_files_hold_numbers_too(project: Path) -> None:
    """heldout6 service-docs: the hand-written page (a TOML example, ``km = 15000`` over ``months =
    12``) was refused for "15000 months" — a number and a unit read across a line break — and the
    intervals in ``data/service.toml`` were no source of numbers."""
    item = "- [ ] Write docs/service.md: how the service intervals work"
    page = "```toml\n[intervals.oil]\nkm = 15000\nmonths = 12\n```\n\nOil: every 12 months.\n"
    assert [phrase for phrase, _ in quantities(page)] == ["12 months"]
    assert facts_problem(_page(page), item, project) is not None  # 12 months is nowhere yet
    (project / "data").mkdir()
    (project / "data" / "service.toml").write_text("[intervals.oil]\nkm = 15000\nmonths = 12\n", encoding="utf-8")
    assert facts_problem(_page(page), item, project) is not None  # no code reads it: not the project's
    (project / "shelf" / "cli.py").write_text('CONFIG = "data/service.toml"\n', encoding="utf-8")
    assert facts_problem(_page(page), item, project) is None


def test_a_table_made_from_a_data_file_is_left_to_the_table_check(project: Path) -> None:
    """heldout19 guji-table: the hand solution's weight-loss column ("15.2%", worked out per record)
    was refused as numbers found nowhere; a table made from a CSV is judged against its records."""
    table = "| batch | loss |\n|---|---|\n| r001 | 15.2% |\n| r004 | 16.2% |\n| r007 | 12.3% |\n"
    item = "docs/loans.md with a Markdown table of the late loans from data/loans.csv, the loss in %"
    assert facts_problem(_page(table, "docs/loans.md"), item, project) is None
    assert facts_problem(_page(table, "docs/loans.md"), ITEM, project) is not None  # a page about the code


GOAL_ITEM = (
    "docs/goals.md for users: how `pianolog goal` rates a week and how `streak` counts days, with the real "
    "numbers from the code; link it from the README"
)


def test_a_page_asked_to_explain_how_it_works_needs_prose_and_the_codes_numbers() -> None:
    """heldout28 goal-docs (Qwen, blind, ea80789, ticked WRONG): the page was one code block of
    imports, 36 words and no number; nothing counted its prose."""
    imports = (
        "## From Python\n\n```python\nfrom pianolog.weekly import streaks\nfrom pianolog.goal import goal_report\n```\n"
    )
    page = FileChange("docs/goals.md", None, imports.encode())
    problem = explained_problem([page], GOAL_ITEM)
    assert problem is not None and "words of prose" in problem, problem
    wordy = (
        "# Goals\n\nA week is rated against the weekly goal. The goal command adds up the minutes of every "
        "session in a Monday-to-Sunday week and compares the total with the goal. A week that reaches the goal is "
        "met; one that reaches most of it is close; the rest are missed. The streak counts the days in a row "
        "with enough practice, and a day with only short sessions does not count.\n"
    )
    problem = explained_problem([FileChange("docs/goals.md", None, wordy.encode())], GOAL_ITEM)
    assert problem is not None and "states no number" in problem, problem
    numbered = wordy.replace("against the weekly goal", "against the weekly goal of 240 minutes")
    assert explained_problem([FileChange("docs/goals.md", None, numbered.encode())], GOAL_ITEM) is None
    # a table or an inventory is no explanation; "how many" asks for a figure
    assert explained_problem([page], "docs/scales.md: a table of how the scales went, from data/s.csv") is None
    assert explained_problem([page], "docs/count.md: how many sessions there were each week") is None
    assert explained_problem([page], "docs/other.md: how the goal rates a week") is None  # not this page
    # limits a config file may hold are no numbers asked of the code (heldout6 service-docs' hand solution)
    limits = "Write docs/goals.md: how `fleetlog due` decides what's due. Cover the config file, km and month limits"
    assert explained_problem([FileChange("docs/goals.md", None, wordy.encode())], limits) is None
