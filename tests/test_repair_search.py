"""The repair search (agent/repair_search.py, agent/single_edits.py): a bug the item shows by a
command's output and the value it should print, found by trying one-token edits of the functions the
command runs. No model here: the project, its tests and the command run for real, in the sandbox."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.loop import run_loop
from agentrunner.agent.repair_search import cured, repair_search, symptom_of
from agentrunner.agent.single_edits import single_edits
from agentrunner.config import load_config
from agentrunner.sandbox import sandbox_status
from agentrunner.tools import Workspace
from tests.conftest import WORKSPACE_TOOLS
from tests.support.recipe_context import FirstMoveContext

needs_sandbox = pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")


def edits_of(source: str) -> dict[str, str]:
    """Each edit's words → the function's line it changed, as written after the edit."""
    data = source.encode("utf-8")
    function = ast.parse(data).body[0]
    assert isinstance(function, ast.FunctionDef)
    found = {}
    for edit in single_edits(data, function):
        after = edit.applied(data).decode("utf-8").splitlines()
        changed = [new for old, new in zip(source.splitlines(), after, strict=False) if old != new]
        found[edit.what.split(": ", 1)[1] + f" @{edit.start}"] = changed[0] if changed else ""
    return found


def test_the_edits_are_one_token_each_in_the_users_own_formatting() -> None:
    source = (
        "def price(text, rate):\n"
        '    """£8.70 → 870."""\n'
        '    pounds = float(text.replace("£", "").replace(",", ""))  # keep the quotes\n'
        "    if pounds < 0 and rate >= 1:\n"
        "        return 0\n"
        "    return int(pounds * 100 / rate)\n"
    )
    changed = set(edits_of(source).values())
    assert "    if pounds <= 0 and rate >= 1:" in changed
    assert "    if pounds < 0 or rate >= 1:" in changed
    assert "    if pounds < 0 and rate > 1:" in changed
    assert "    return round(pounds * 100 / rate)" in changed
    assert "    return int(pounds / 100 / rate)" in changed
    assert "    return int(pounds * 100 * rate)" in changed
    assert "    return int(pounds * 101 / rate)" in changed
    assert "    return int(pounds * 100 / rate) + 1" in changed
    # nothing else on a line is rewritten: the double quotes and the comment stay as they were
    assert all("'" not in line for line in changed)
    assert not any("£8.70" in line for line in changed)  # the docstring is not edited


def test_the_edits_of_assignments_sorts_unpacking_and_date_formats() -> None:
    source = (
        "def f(rows, total):\n"
        "    fg, og = rows[0], rows[1]\n"
        "    for row in sorted(rows):\n"
        "        total = row\n"
        '    return datetime.strptime(total, "%d/%m/%Y")\n'
    )
    changed = set(edits_of(source).values())
    assert "    og, fg = rows[0], rows[1]" in changed
    assert "    for row in sorted(rows, reverse=True):" in changed
    assert "        total += row" in changed
    assert '    return datetime.strptime(total, "%m/%d/%Y")' in changed


def test_a_sum_meant_to_be_worked_out_first_is_bracketed() -> None:
    """heldout26 fahrenheit-crash: ``value - 32 * 5 / 9``."""
    source = "def f(value):\n    value = value - 32 * 5 / 9\n    return value\n"
    assert "    value = (value - 32) * 5 / 9" in set(edits_of(source).values())


def test_a_split_on_one_space_splits_on_any_run_of_whitespace() -> None:
    """heldout37 loch-lomond-twice, heldout38 paints-listed-twice: `text.strip().split(" ")`."""
    source = 'def words(text):\n    return [w.title() for w in text.strip().split(" ")]\n'
    assert "    return [w.title() for w in text.strip().split()]" in set(edits_of(source).values())


def test_one_quoted_value_for_another_on_the_line_of_the_rarest_name_the_item_says() -> None:
    """heldout38 paints-listed-twice: "lists Mephiston Red (Citadel) twice, once with 2 sessions and
    once with 1 — … one line with 3 sessions"; 3 is printed elsewhere, so no value is one the output
    lacks: the lines judged are those of the rarest name the item says (Mephiston), not every line."""
    output = (
        "Vallejo  Bone White     3 sessions\nCitadel  Mephiston Red  2 sessions\nCitadel  Abaddon Black  2 sessions\n"
        "Citadel  Mephiston  Red 1 session\n"
    )
    item_text = (
        "`brushlog paints` lists Mephiston Red (Citadel) twice, once with 2 sessions and once with 1 — it's "
        "the same pot, it should be one line with 3 sessions"
    )
    symptom = symptom_of(item_text, ["brushlog", "paints"], output)
    assert symptom is not None and symptom.lines == [output.splitlines()[1], output.splitlines()[3]]
    kept = ["Vallejo  Bone White     3 sessions", "Citadel  Mephiston Red  3 sessions"]
    kept.append("Citadel  Abaddon Black  2 sessions")
    assert cured(symptom, "\n".join(kept) + "\n")
    assert not cured(symptom, "\n".join(kept[:2]) + "\n")  # the Abaddon Black line lost: no cure
    assert not cured(symptom, output.replace("Abaddon Black  2", "Abaddon Black  3"))


def test_a_name_on_two_lines_is_cured_by_one_line_with_their_numbers_added() -> None:
    """heldout37 loch-lomond-twice (blind, failed): "Loch Lomond on two lines (2 trips on one, 1 on the
    other), same with the Spey. One line per loch/river please" — no value said right, no "should";
    right is each name on one line showing the sum of its lines' numbers, every other line kept."""
    output = (
        "Loch Lomond   2 trips  24.5 km\nRiver Spey    2 trips  30.0 km\nLoch  Lomond  1 trip   11.1 km\n"
        "River  Spey   1 trip   8.0 km\nLoch Ness     1 trip   12.0 km\n"
    )
    item_text = (
        "`paddlelog waters` has Loch Lomond on two lines (2 trips on one, 1 on the other), same with the Spey. "
        "One line per loch/river please, with the totals added up"
    )
    symptom = symptom_of(item_text, ["paddlelog", "waters"], output)
    assert symptom is not None and symptom.merged == ("Loch Lomond", "Spey")
    assert symptom.expected == {"3", "35.6", "38"}
    right = "Loch Lomond   3 trips  35.6 km\nRiver Spey    3 trips  38.0 km\nLoch Ness     1 trip   12.0 km\n"
    assert cured(symptom, right)
    assert not cured(symptom, output.replace("Loch Lomond   2", "Loch Lomond   3"))  # still on two lines
    assert not cured(symptom, right.replace("Loch Ness     1 trip   12.0 km\n", ""))  # a line lost
    # an item that says nothing is shown twice has no such symptom
    assert symptom_of("`paddlelog waters` has Loch Lomond at 2 trips", ["paddlelog", "waters"], output) is None


def test_a_name_made_comparable_may_have_its_runs_of_spaces_folded_too() -> None:
    """heldout40 styles-cheddar-twice: ``key = text.replace("-", " ").lower()`` kept "Red  Leicester"
    apart from "Red Leicester"; the fix folds the spaces before the case."""
    source = 'def parse_style(text):\n    key = text.replace("-", " ").lower()\n    return STYLES[key]\n'
    changed = set(edits_of(source).values())
    assert '    key = " ".join(text.replace("-", " ").split()).lower()' in changed
    folded = 'def f(text):\n    return " ".join(text.split()).lower()\n'
    assert not any(".split()).split()" in line for line in edits_of(folded).values())  # folded already


def test_a_count_per_key_that_keeps_only_the_last_adds_to_what_is_there() -> None:
    """heldout8 fix-chili-twice, heldout28 split-day-streak: ``needed[slug] = servings``."""
    source = "def f(menu):\n    needed = {}\n    for slug, servings in menu:\n        needed[slug] = servings * 2\n"
    changed = set(edits_of(source).values())
    assert "        needed[slug] = needed.get(slug, 0) + (servings * 2)" in changed


def test_the_symptom_is_the_lines_showing_a_quoted_value_and_right_is_a_value_the_output_lacks() -> None:
    output = "Cascade 220   4 x 241 m\nMalabrigo     2 x 230 m\n"
    item_text = "`yarnstash list` says my Cascade 220 is 241 m a skein, but the band says 220 yd / 201 m"
    symptom = symptom_of(item_text, ["yarnstash", "list"], output)
    assert symptom is not None
    assert symptom.lines == ["Cascade 220   4 x 241 m"] and symptom.expected == {"201"}
    # an item that quotes no value the output lacks does not say what right is
    assert symptom_of("`yarnstash list` says 241 m for my Cascade 220, wrong", ["yarnstash", "list"], output) is None


def test_a_line_is_found_by_a_name_of_letters_and_digits_and_values_compare_as_numbers() -> None:
    """heldout7 fix-exact-distance-best: the 5k line shows no value the item quotes, only its name;
    "139.20" is printed "£139.20" and "1.00" may be printed "1.0"."""
    output = "5k      22:11  (2026-03-11, tempo)\n10k     56:14  (2026-04-05, long)\n"
    item_text = "my parkrun (exactly 5.0 km, 21:40 on 2026-03-14) no longer shows up as the 5k PB in `runlog bests`"
    symptom = symptom_of(item_text, ["runlog", "bests"], output)
    assert symptom is not None and symptom.lines == ["5k      22:11  (2026-03-11, tempo)"]
    assert cured(symptom, "5k      21:40  (2026-03-14, parkrun)\n10k     56:14  (2026-04-05, long)\n")
    assert not cured(symptom, "5k      22:11  (2026-03-11, tempo)\n10k     21:40  (2026-04-05, long)\n")
    prices = symptom_of("`cellar value` says £139.14, should be £139.20", ["cellar", "value"], "Provence  £139.14\n")
    assert prices is not None and cured(prices, "Provence  £139.2\n")


STASH = '''"""Yarns: one line per yarn, its length a skein in metres."""

from __future__ import annotations

METRES_PER_YARD = 0.9144
YARNS = [("Cascade 220", "220 yd"), ("Drops Air", "150 m"), ("Hikoo", "91 yd")]


def parse_length(text: str) -> float:
    """A skein's length in metres, from "220 yd" or "150 m"."""
    value, unit = text.split()
    if unit == "yd":
        return float(value) / METRES_PER_YARD
    return float(value)


def lines() -> list[str]:
    return [f"{name:<12} {parse_length(length):.0f} m" for name, length in YARNS]
'''
MAIN = """import sys

from yarns.stash import lines


def main(argv: list[str] | None = None) -> int:
    for line in lines():
        print(line)
    return 0


sys.exit(main())
"""
TESTS = """from yarns.stash import parse_length


def test_metres_stay_metres():
    assert parse_length("150 m") == 150.0
"""
ITEM = (
    "Something's off with the yardage: `python -m yarns` says my Cascade 220 is 241 m a skein, but the band says "
    "220 yd / 201 m"
)


def project(root: Path, stash: str = STASH, tests: str = TESTS) -> Path:
    (root / "yarns").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "yarns" / "__init__.py").write_text("", "utf-8")
    (root / "yarns" / "__main__.py").write_text(MAIN, "utf-8")
    (root / "yarns" / "stash.py").write_text(stash, "utf-8")
    (root / "tests" / "test_stash.py").write_text(tests, "utf-8")
    return root


def yarns(root: Path) -> str:
    return subprocess.run([sys.executable, "-m", "yarns"], cwd=root, capture_output=True, text=True).stdout


@pytest.fixture
def workspace(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    project(isolated_home / "ws")
    return Workspace(load_config(write_config(WORKSPACE_TOOLS)))


@needs_sandbox
def test_the_one_edit_that_prints_the_right_value_and_keeps_the_tests_is_the_fix(workspace: Workspace) -> None:
    root = workspace.root
    assert "Cascade 220  241 m" in yarns(root)
    move = repair_search(workspace, ITEM, task_id="t1")
    assert move is not None and move.path == "yarns/stash.py"
    assert "`/` → `*` in `parse_length`" in move.summary and "`Cascade 220 201 m`" in move.summary
    # one token changed, nothing else; nothing was written while searching
    assert move.content == STASH.replace("float(value) / METRES_PER_YARD", "float(value) * METRES_PER_YARD")
    assert (root / "yarns" / "stash.py").read_text("utf-8") == STASH
    (root / move.path).write_text(move.content, "utf-8")
    assert "Cascade 220  201 m" in yarns(root) and "Hikoo        83 m" in yarns(root)


@needs_sandbox
def test_the_search_is_not_cut_short_by_the_agents_output_cap(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    """heldout8 fix-chili-twice through the agent (7a71e4a): the edits' outputs, one JSON line, were
    cut at `shell_output_cap` and the item failed on a JSON error before the model was asked."""
    project(isolated_home / "ws")
    workspace = Workspace(load_config(write_config(WORKSPACE_TOOLS + "shell_output_cap = 300\n")))
    move = repair_search(workspace, ITEM, task_id="t1")
    assert move is not None and "`/` → `*` in `parse_length`" in move.summary


@needs_sandbox
def test_a_command_that_prints_a_book_is_not_searched(isolated_home: Path, write_config: Callable[[str], Path]) -> None:
    """Hundreds of edits, each printing a copy of 250 kB, would be hundreds of MB sent back."""
    project(isolated_home / "ws")
    main = isolated_home / "ws" / "yarns" / "__main__.py"
    main.write_text(MAIN.replace("    return 0", "    print('.' * 250_000)\n    return 0"), "utf-8")
    workspace = Workspace(load_config(write_config(WORKSPACE_TOOLS)))
    assert repair_search(workspace, ITEM, task_id="t1") is None


@needs_sandbox
def test_an_edit_the_projects_tests_refuse_is_not_the_fix(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    """The right value printed, but a test of the project fails with the edit: not a fix."""
    yards = '\n\ndef test_yards():\n    assert round(parse_length("1 yd"), 2) == 1.09\n'
    project(isolated_home / "ws", tests=TESTS + yards)
    workspace = Workspace(load_config(write_config(WORKSPACE_TOOLS)))
    assert repair_search(workspace, ITEM, task_id="t1") is None


@needs_sandbox
@pytest.mark.parametrize(
    "text",
    [
        "`python -m yarns` says my Cascade 220 is 241 m a skein: wrong",  # no right value said
        "`python -m yarns` is wrong: my Cascade 220 shows 241 m, it should be 250 m",  # no one edit prints it
        "add a total line to `python -m yarns` showing 201 m",  # no bug
    ],
)
def test_what_it_cannot_single_out_is_the_models(workspace: Workspace, text: str) -> None:
    assert repair_search(workspace, text, task_id="t1") is None


TEMPS = '''"""Developer temperatures, in °C, from "20", "20.5C" or "68F"."""

ROWS = ["20", "21.5C", "68F"]


def celsius(text):
    value = float(text.rstrip("CF"))
    if text.endswith("F"):
        value = value - 32 * 5 / 9
    if not 10 <= value <= 30:
        raise ValueError(f"implausible temperature: {text!r} ({value:.1f} °C)")
    return value


def main():
    values = [celsius(row) for row in ROWS]  # all read before anything is printed
    for row, value in zip(ROWS, values):
        print(f"{row:>6}  {value:.1f} °C")
'''


@needs_sandbox
def test_a_crash_is_cured_by_the_edit_that_runs_clean_and_shows_the_right_value(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    root = isolated_home / "ws"
    (root / "temps").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "temps" / "__init__.py").write_text(TEMPS, "utf-8")
    (root / "temps" / "__main__.py").write_text("from temps import main\n\nmain()\n", "utf-8")
    (root / "tests" / "test_temps.py").write_text(
        "from temps import celsius\n\n\ndef test_celsius():\n    assert celsius('20') == 20.0\n", "utf-8"
    )
    workspace = Workspace(load_config(write_config(WORKSPACE_TOOLS)))
    text = "`python -m temps` dies with 'implausible temperature' since I logged 68F. 68 °F is an ordinary 20 °C"
    move = repair_search(workspace, text, task_id="t1")
    assert move is not None and "`value - 32` worked out first in `celsius`" in move.summary
    assert move.content == TEMPS.replace("value - 32 * 5 / 9", "(value - 32) * 5 / 9")


@needs_sandbox
def test_the_fix_is_gated_like_the_models_change_and_done_without_a_call(workspace: Workspace) -> None:
    ctx = FirstMoveContext(workspace, ITEM)
    result = run_loop(ctx, ITEM, [], [], 512)
    assert result.error is None and ctx.requests == []
    assert "Cascade 220  201 m" in yarns(workspace.root)
