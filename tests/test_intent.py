"""Whether an item wants a change or an answer (agent/intent.py): decided from its words alone."""

from __future__ import annotations

import pytest

from agentrunner.agent.intent import item_intent, no_change_problem

CHANGE = [
    "Add `__all__` to `stockroom/loader.py`",
    "Give `Inventory` (`stockroom/models.py`) a `__repr__` showing the item and unit counts",
    "Rewrite the `for` loop in `reorder_list` (`stockroom/reorder.py`) as a list comprehension",
    "`apply_discount` must raise `ValueError` when the percent is below 0 or above 100",
    "`load_items` should take a `delimiter` argument, default `,`",
    "`tests/test_reorder.py` fails since yesterday's merge — find the bug and fix it (the test is right)",
    "CI is red: `pytest` fails in `tests/test_report.py`. Fix the code, not the test.",
    "In `stockroom/report.py`, extract the low-stock filter into a function `low_stock_items(items)`",
    "Name the bulk-pricing numbers in `stockroom/pricing.py`",
    "Sort the imports of `stockroom/cli.py`",
    "Explain why `load_items` is slow and make it faster",
    "Ship a `py.typed` marker so type checkers use our annotations (PEP 561)",
    # held-out summary-fahrenheit: read as an answer, and ticked with no file changed
    "`meteo summary` needs a `--fahrenheit` flag: temperatures in °F instead of °C (default output unchanged)",
    "`parse_hours` in timesheet/entries.py has no tests of its own",
    "`load_items` is missing a docstring",
    # heldout14 test-parse-reading: nothing quoted, read as a question, and ticked with no file written
    "parse_reading still has zero tests of its own, write some",
    "write tests for longest_streak in attendance.py, nothing covers it right now",
    # heldout24 bisque-underfired-bug (blind): read as a question; the model's no-op was not sent back
    "`kilnlog check` reports every bisque as underfired by 200+ degrees, which is nonsense — the bisques were fine",
    "the totals `report` prints for March are wrong",
    # heldout25 parse-date-tests (blind): no verb, read as a question; the tests move was not made
    "tests for parse_date (bplog/readings.py) — it's only ever tested by accident through load_readings",
]
ANSWER = [
    "List the TODO comments in the code",
    "Summarise `stockroom/reorder.py`",
    "Explain why `load_items` fails on exports saved by Excel",
    "Why does CI fail?",
    "Review `stockroom/cli.py` and change nothing",
    "Write a haiku about autumn",
    "Give me three names for the CLI",
    "Sort these numbers: 3 1 2",
    "Alpha: draft the weekly plan",
]


@pytest.mark.parametrize("title", CHANGE)
def test_change_items(title: str) -> None:
    assert item_intent(title).wants == "change", item_intent(title)


@pytest.mark.parametrize("title", ANSWER)
def test_answer_items(title: str) -> None:
    assert item_intent(title).wants == "answer", item_intent(title)


def test_tags_override_and_outputs_decide() -> None:
    assert item_intent("List the TODO comments", tags=["change"]).reason == "tagged #change"
    assert item_intent("Add `__all__` to `loader.py`", tags=["local", "answer"]).wants == "answer"
    assert item_intent("List the TODO comments", tags=["answer", "change"]).wants == "change"  # the last one wins
    assert item_intent("Summarise `reorder.py` in `docs/summary.md`", outputs=True).wants == "change"
    assert item_intent("Bump it", "to 0.4.0 in `pyproject.toml`").wants == "change"  # context lines count


def test_no_change_problem() -> None:
    change = item_intent("Fix the typo in `cli.py`")
    assert no_change_problem(change, []) and "#answer" in (no_change_problem(change, []) or "")
    assert no_change_problem(change, ["cli.py"]) is None
    assert no_change_problem(item_intent("List the TODO comments"), []) is None


def test_a_function_written_as_called_or_dotted_is_something_named() -> None:
    """heldout22 segments-docstring (Qwen, blind, c532e8c): "economy.segments() has no docstring and
    it's the function everyone gets wrong — write one" named no backticked name or file, so it was read
    as a question and the docstring written was rolled back. `name()` and `module.name` are names."""
    title = "economy.segments() has no docstring and it's the function everyone gets wrong — write one"
    assert item_intent(title).change
    assert item_intent("parse_price() has no tests — write some").change
    assert item_intent("fillups.parse_row has no docstring, write one").change
    assert not item_intent("Explain how routing works, i.e. the classifier").change
    assert not item_intent("summarise what parse() does").change
