"""agent/symptoms.py: a bug the item shows by a command's output is gone from that output (issue 12).

heldout17 late-start-rent-bug (Qwen2.5-Coder-1.5B, session 20): "`python -m allot rent --year
2025` bills her £139.51, a whole year, same as A1" — the model added an unrelated branch for small
plots, the tests passed, and it was ticked while the command still printed `C4 Rosa Delgado
£139.51`. Here a real package with a `__main__.py` runs through the real sandbox before and after
a change. No model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.symptoms import capture_symptom, symptom_problem
from agentrunner.config import load_config
from agentrunner.tools import Workspace
from tests.test_agent_loop import CONFIG

MAIN = """import argparse

PLOTS = [("A1", "Margaret", 12, 250.0), ("B3", "Lukas", 12, 70.0), ("C4", "Rosa", {months}, 250.0)]


def rent(months, area):
    charge = max(round(area * 0.52, 2), 15.0)
{extra}    return round(charge * months / 12, 2)


def main():
    parser = argparse.ArgumentParser(prog="allot")
    parser.add_argument("command")
    parser.add_argument("--year", type=int)
    if parser.parse_args().command == "crash":
        print({crash})
        return
    for plot, holder, months, area in PLOTS:
        print(f"{{plot:4}} {{holder:10}} £{{rent(months, area):.2f}}")


main()
"""
ITEM = (
    "- [ ] Rent bug: Rosa only took on C4 on 1 April 2026, but `python -m allot rent --year 2025` bills "
    "her £130.00, a whole year, same as A1."
)
# the model's change in the run: a branch for small plots, nothing for a late start
UNRELATED = "    if area < 100:\n        charge = 15.0\n"


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    root = isolated_home / "ws"
    (root / "allot").mkdir(parents=True)
    (root / "allot" / "__init__.py").write_text("", "utf-8")
    write(root, months=12)
    return Workspace(load_config(write_config(CONFIG)))


def write(root: Path, *, months: int, extra: str = "", crash: str = "1 / 0") -> None:
    text = MAIN.format(months=months, extra=extra, crash=crash)
    (root / "allot" / "__main__.py").write_text(text, "utf-8")


def test_a_fix_that_leaves_the_quoted_value_where_it_was_is_refused(ws: Workspace) -> None:
    symptom = capture_symptom(ws, ITEM, task_id="t", timeout=60)
    assert symptom is not None and symptom["tokens"] == ["130.00"]
    assert [line.split()[0] for line in symptom["lines"]] == ["A1", "C4"]
    write(ws.root, months=12, extra=UNRELATED)  # B3's rent changes, C4's does not
    problem = symptom_problem(ws, symptom, task_id="t", timeout=60) or ""
    assert problem.startswith("`python -m allot rent --year 2025` still prints what the item says is wrong:")
    assert "C4   Rosa       £130.00" in problem
    write(ws.root, months=9)  # the fix: A1's line stays as it was, C4's changes
    assert symptom_problem(ws, symptom, task_id="t", timeout=60) is None


def test_a_crash_the_item_reports_must_be_gone(ws: Workspace) -> None:
    item = "- [ ] `python -m allot crash` crashes with a ZeroDivisionError, it should print the total"
    symptom = capture_symptom(ws, item, task_id="t", timeout=60)
    assert symptom is not None and symptom["crashed"] == "ZeroDivisionError: division by zero"
    write(ws.root, months=12, crash="1 / (0 * 2)")
    assert (symptom_problem(ws, symptom, task_id="t", timeout=60) or "").startswith(
        "`python -m allot crash` still crashes: ZeroDivisionError"
    )
    write(ws.root, months=12, crash="1")
    assert symptom_problem(ws, symptom, task_id="t", timeout=60) is None


@pytest.mark.parametrize(
    "item",
    [
        # not a fix: a feature asked, whatever the command prints now
        "- [ ] `python -m allot rent --year 2025` could list the holders' emails too (£130.00 plots first)",
        # the command the item quotes has an option it does not have yet: no clean run, no decision
        "- [ ] the rent is wrong: `python -m allot rent --late` bills £130.00",
        # a placeholder argument
        "- [ ] the rent is wrong for `python -m allot rent --year YYYY`: £130.00",
        # nothing the item quotes is in the output
        "- [ ] bug: `python -m allot rent --year 2025` bills Tom £99.99",
        # no command of the project
        "- [ ] bug: `make rent` bills Rosa £130.00",
    ],
)
def test_nothing_is_decided_without_a_fix_a_clean_run_and_a_quoted_value_shown(ws: Workspace, item: str) -> None:
    if "--late" in item:
        write(ws.root, months=12, crash="1")
        text = "import argparse\np = argparse.ArgumentParser()\np.add_argument('--year')\np.parse_args()\n"
        (ws.root / "allot" / "__main__.py").write_text(text, "utf-8")
    assert capture_symptom(ws, item, task_id="t", timeout=60) is None


def test_a_complaint_without_the_word_bug_is_a_fix(ws: Workspace) -> None:
    """heldout20 april-dates-in-march (Qwen, blind): "`boulderlog sessions` has me climbing on
    2026-03-04, plus days in July and October?! I was at the wall in early April, not then." — no
    "bug", "wrong" or "should": the command was not run, so no symptom held the fix to the output."""
    item = "- [ ] `python -m allot rent --year 2025` bills Rosa £130.00?! She was not there, not then."
    symptom = capture_symptom(ws, item, task_id="t", timeout=60)
    assert symptom is not None and symptom["tokens"] == ["130.00"]
    plain = "- [ ] `python -m allot rent --year 2025` bills Rosa £130.00"
    assert capture_symptom(ws, plain, task_id="t", timeout=60) is None


@pytest.mark.parametrize(
    "said",
    [
        "so that can't be right",  # heldout43 tiddler-undercharged (blind: an unused module added, ticked)
        "that cannot be correct",
        "which isn't right",
        "it looks wrong to me",
    ],
)
def test_a_value_said_not_to_be_right_is_a_fix(ws: Workspace, said: str) -> None:
    item = f"- [ ] Rosa's rent comes out at £130.00 in `python -m allot rent --year 2025`; she left in April, {said}"
    symptom = capture_symptom(ws, item, task_id="t", timeout=60)
    assert symptom is not None and symptom["tokens"] == ["130.00"]
    write(ws.root, months=12, extra=UNRELATED)
    assert "still prints" in (symptom_problem(ws, symptom, task_id="t", timeout=60) or "")
    fine = "- [ ] Rosa's rent comes out at £130.00 in `python -m allot rent --year 2025`, which is right"
    assert capture_symptom(ws, fine, task_id="t", timeout=60) is None


def test_names_stand_in_when_the_item_quotes_no_value_the_output_shows(ws: Workspace) -> None:
    item = "- [ ] bug: Rosa shows up in `python -m allot rent --year 2025` with a whole year, she started in April"
    symptom = capture_symptom(ws, item, task_id="t", timeout=60)
    assert symptom is not None and symptom["tokens"] == ["Rosa"]
    write(ws.root, months=9)
    assert symptom_problem(ws, symptom, task_id="t", timeout=60) is None


def test_the_loop_tells_the_model_the_bug_still_shows_and_takes_the_real_fix(ws: Workspace) -> None:
    """The gate runs the command when the model says DONE: told, the model can look again."""
    from agentrunner.agent.loop import run_loop
    from tests.test_agent_loop import ScriptedContext

    symptom = capture_symptom(ws, ITEM, task_id="t", timeout=60)
    unrelated = (
        "allot/__main__.py\n<<<<<<< SEARCH\n    charge = max(round(area * 0.52, 2), 15.0)\n=======\n"
        f"    charge = max(round(area * 0.52, 2), 15.0)\n{UNRELATED.rstrip()}\n>>>>>>> REPLACE\nDONE"
    )
    plots = MAIN.splitlines()[2].format(months=12)
    fix = f"allot/__main__.py\n<<<<<<< SEARCH\n{plots}\n=======\n{plots.replace('12, 250.0)]', '9, 250.0)]')}"
    fix += "\n>>>>>>> REPLACE\nDONE"
    ctx = ScriptedContext(ws, [unrelated, fix, "DONE"], ITEM[6:])
    ctx.state = {"symptom": symptom}  # what the graph's plan node captured
    result = run_loop(ctx, ctx.item.title, ["allot/__main__.py"], [], 512)
    told = [m.content for m in ctx.requests[1].messages if m.role == "user"][-1]
    assert "Not done yet: `python -m allot rent --year 2025` still prints what the item says is wrong" in told
    assert result.error is None and '("C4", "Rosa", 9, 250.0)' in (ws.root / "allot" / "__main__.py").read_text()
