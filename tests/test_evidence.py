"""A ticked item must show its work (agent/evidence.py): junk written for an item that names no
output, tests weakened to pass, the right file plus junk elsewhere, a copy of the function the item
is about. End to end through ``run`` with a scripted model on loopback (our own code path, the
model's replies fixed: tests/support/scripted_http.py), and the checks one by one.

The hand solutions of the chores benchmark must all pass these checks (a false refusal costs a
correct chore): the last test applies each ``solution.patch`` and checks them offline.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.checks import item_problem
from agentrunner.agent.evidence import (
    item_words,
    junk_problem,
    relevance_problem,
    shadow_problem,
    weakened_tests_problem,
    work_problem,
)
from agentrunner.agent.journal import FileChange
from agentrunner.agent.recipes import mentioned_paths
from agentrunner.agent.verification import literals_problem, prints_problem
from agentrunner.config import load_config
from agentrunner.runner import RunOptions, run
from tests.support.scripted_http import ScriptedServer
from tests.test_transactions import MODULE, chat_reply, config_text, models, todo, tree
from tests.test_transactions import project as project  # the fixture, shared

CHORES = Path(__file__).resolve().parent.parent / "benchmarks" / "chores"

TESTS = """from pkg.mod import total


def test_total() -> None:
    assert total([1, 2]) == 3


def test_total_empty() -> None:
    assert total([]) == 0
"""


def change(path: str, before: str | None, after: str | None) -> FileChange:
    return FileChange(path, None if before is None else before.encode(), None if after is None else after.encode())


def work(
    project: Path, write_config: Callable[[str], Path], item: str, *replies: object, run_tool: bool = False
) -> tuple[dict, str]:
    """One item against scripted replies (the last one repeats: a stubborn model); its summary
    entry and what the model was told (every request's last message)."""
    with ScriptedServer({"/v1/models": models(), "/v1/chat/completions": replies[-1]}) as server:  # type: ignore[dict-item]
        server.queue("/v1/chat/completions", *replies[:-1])  # type: ignore[arg-type]
        text = config_text(server.url)
        write_config(text.replace('"list_files"]', '"list_files", "run"]') if run_tool else text)
        path = todo(project, item)
        summary = run(load_config(project / "routes.toml"), RunOptions(quiet=True))
        told = "\n".join(
            str(seen.json()["messages"][-1]["content"]) for seen in server.requests_to("/v1/chat/completions")
        )
    (entry,) = summary.items
    assert ("- [x]" in path.read_text("utf-8")) == (entry["status"] == "done")
    return entry, told


def write(path: str, content: str) -> object:
    return chat_reply(tool=("write_file", {"path": path, "content": content}))


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("notes.md", "x\n"),  # next to nothing
        ("notes.md", "Hello! This file was written by the assistant as asked, all good.\n"),  # nothing of the item
    ],
)
def test_an_item_naming_no_output_is_not_ticked_for_any_file_and_a_bare_done(
    project: Path, write_config: Callable[[str], Path], path: str, content: str
) -> None:
    """CLOSING6's gap: "Draft the weekly notes" names no output; the model wrote a file and replied
    "x": ticked, because only the files an item names were read, and the reply only when nothing
    was written. Now what was written must be about the item."""
    before = tree(project)
    entry, told = work(project, write_config, "Draft the weekly notes", write(path, content), chat_reply(content="x"))
    assert entry["status"] == "failed", entry
    assert f"Not done yet: {path}" in told  # the DONE gate said why
    # the fresh start rolled the file back; the bare "x" that follows is no answer either
    assert f"answer: no file changed; the step wrote {path}, and those changes were rolled back" in (
        entry["error"] or ""
    ), entry
    assert tree(project) == before  # the file it wrote is gone


def test_notes_that_are_about_the_item_are_ticked_with_a_bare_done(
    project: Path, write_config: Callable[[str], Path]
) -> None:
    content = "# Weekly notes\n\n- Shipped the loader fix.\n- Next week: the report module.\n"
    entry, _ = work(
        project, write_config, "Draft the weekly notes", write("docs/weekly.md", content), chat_reply(content="x")
    )
    assert entry["status"] == "done", entry["error"]
    assert (project / "docs" / "weekly.md").read_text("utf-8") == content


def test_the_right_file_plus_junk_elsewhere_is_not_ticked(project: Path, write_config: Callable[[str], Path]) -> None:
    before = tree(project)
    fixed = MODULE.replace('"""Sum of the values."""', '"""Sum of the values (0 for none)."""')
    entry, told = work(
        project,
        write_config,
        "Say in the docstring of `total` (`pkg/mod.py`) what it returns for no values",
        write("pkg/mod.py", fixed),
        write("scratch.txt", "ok"),
        chat_reply(content="DONE"),
    )
    assert entry["status"] == "failed", entry
    assert "Not done yet: scratch.txt is new and holds next to nothing" in told
    assert tree(project) == before


def test_a_copy_of_the_function_in_a_new_file_is_not_the_fix(
    project: Path, write_config: Callable[[str], Path]
) -> None:
    before = tree(project)
    copy = (
        "def total(values):\n    if any(v < 0 for v in values):\n        raise ValueError('negative')\n"
        "    return sum(values)\n"
    )
    entry, told = work(
        project,
        write_config,
        "`total` must raise `ValueError` for negative values",
        write("pkg/checked.py", copy),
        chat_reply(content="Finished: total raises ValueError for negative values now."),
    )
    assert entry["status"] == "failed", entry
    assert "Not done yet: pkg/checked.py is new and defines `total` again, but pkg/mod.py defines it" in told
    assert tree(project) == before


def test_a_failing_test_edited_to_pass_is_not_ticked(project: Path, write_config: Callable[[str], Path]) -> None:
    """The bug is in the code; the model "fixes" the test instead: its assertion goes, the test
    passes, and it was ticked."""
    (project / "tests").mkdir()
    (project / "tests" / "test_mod.py").write_text(TESTS.replace("== 3", "== 4"), "utf-8")  # a red test
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    before = tree(project)
    weakened = TESTS.replace("    assert total([1, 2]) == 3\n", "    total([1, 2])\n")
    entry, told = work(
        project,
        write_config,
        "`tests/test_mod.py` fails — find the bug and fix it",
        write("tests/test_mod.py", weakened),
        chat_reply(content="Fixed: the test passes now."),
    )
    assert entry["status"] == "failed", entry
    assert "Not done yet: tests/test_mod.py: test_total lost an assertion" in told
    assert tree(project) == before


def test_tests_kept_one_by_one() -> None:
    item = "`tests/test_mod.py` fails since the merge — find the bug and fix it"
    deleted = TESTS.split("\n\n\ndef test_total_empty")[0] + "\n"
    assert "test_total_empty deleted" in (
        weakened_tests_problem([change("tests/test_mod.py", TESTS, deleted)], item) or ""
    )
    skipped = TESTS.replace("def test_total_empty", "@pytest.mark.skip\ndef test_total_empty")
    assert "now skipped" in (weakened_tests_problem([change("tests/test_mod.py", TESTS, skipped)], item) or "")
    other_value = TESTS.replace("== 3", "== 4")
    assert weakened_tests_problem([change("tests/test_mod.py", TESTS, other_value)], item) is None
    right = item + " (the test is right)"
    assert "the item says the test is right" in (
        weakened_tests_problem([change("tests/test_mod.py", TESTS, other_value)], right) or ""
    )
    assert weakened_tests_problem([change("tests/test_mod.py", TESTS, other_value)], "Fix the code, not the test")
    # a new test is no weakening; items that ask to change or remove tests may
    added = TESTS + "\n\ndef test_total_one() -> None:\n    assert total([1]) == 1\n"
    assert weakened_tests_problem([change("tests/test_mod.py", TESTS, added)], right) is None
    assert (
        weakened_tests_problem([change("tests/test_mod.py", TESTS, deleted)], "Remove the test of empty totals") is None
    )
    assert (
        weakened_tests_problem(
            [change("tests/test_mod.py", TESTS, deleted)], "Rename `x` across the package and the tests"
        )
        is None
    )
    assert weakened_tests_problem([change("pkg/mod.py", TESTS, deleted)], item) is None  # not a test file


def test_what_counts_as_about_the_item() -> None:
    assert {"week", "note", "draft"} & item_words("Draft the weekly notes") == {"week", "note"}
    item = "`tests/test_reorder.py` fails — find the bug and fix it (the test is right)"
    fix = change("pkg/reorder.py", "if q < level:\n", "if q <= level:\n")
    assert relevance_problem([fix], item) is None  # the module of the test the item names
    code = "def needs(item):\n    return item.q < item.level\n"
    inside = change("pkg/stock.py", code, code.replace("<", "<="))
    assert relevance_problem([inside], "`needs` is wrong at the level") is None  # the definition changed
    assert relevance_problem([inside], "Draft the weekly notes")
    assert relevance_problem([change("README.md", "# x\n", "# x\nHello.\n")], "Draft the weekly notes")
    # heldout32 value-pennies-out: the right fix changes a line of `parse_price`, whose docstring (as it
    # was) says what it is about — "pence", a word of the item; without it, nothing says so
    price = 'def parse_price(text):\n    """A price in pounds as whole pence."""\n    return int(float(text) * 100)\n'
    fixed = change("cellar/bottles.py", price, price.replace("int(float(text) * 100)", "round(float(text) * 100)"))
    pennies = "`cellar value --by region` is out by a few pence: Provence comes to £139.14, not £139.20"
    assert relevance_problem([fixed], pennies) is None
    bare = price.replace('    """A price in pounds as whole pence."""\n', "")
    undocumented = change("cellar/bottles.py", bare, bare.replace("int(", "round("))
    assert relevance_problem([undocumented], pennies)
    # heldout34 yards-too-long: "the band says 220 yd / 201 m" — yards are what `METRES_PER_YARD` is about
    length = "def parse_length(value):\n    return value / METRES_PER_YARD\n"
    yards = change("yarnstash/stash.py", length, length.replace("/", "*"))
    assert relevance_problem([yards], "`yarnstash list` says 241 m a skein, but the band says 220 yd / 201 m") is None
    assert relevance_problem([yards], "`yarnstash list` says 241 m a skein, but the band says 201 m")
    # heldout7 fix-exact-distance-best: the bug is in runlog/bests.py, a module the item names by its
    # subcommand ("bests regression … `python -m runlog bests`"); the one changed line is `>` → `>=`
    covers = "def _covers(run, km):\n    return run.km > km\n"
    bests = change("runlog/bests.py", covers, covers.replace(">", ">="))
    assert relevance_problem([bests], "bests regression: my parkrun no longer shows up as the 5k PB") is None
    assert relevance_problem([bests], "Draft the weekly notes")
    # heldout11's hand solutions: `parse_row` is about the item's "rows"; a changelog's new version
    # heading is about a version bump
    parse = "def parse_row(row):\n    code = row['species'].strip()\n"
    upper = change("birdlog/sightings.py", parse, parse.replace(".strip()", ".strip().upper()"))
    assert relevance_problem([upper], "Robin is in the totals twice: some rows are typed in lowercase") is None
    heading = change("CHANGELOG.md", "## [Unreleased]\n", "## [Unreleased]\n\n## [1.5.0] - 2026-06-01\n")
    assert relevance_problem([heading], "version bump for the next release, a minor one") is None
    assert relevance_problem([heading], "Draft the weekly notes")
    # heldout27 release-1-7 (blind): "We're releasing 1.7.0 today … put the new number everywhere" —
    # the release recipe's pyproject line was refused as about nothing the item says
    pyproject = change("pyproject.toml", 'version = "1.6.2"\n', 'version = "1.7.0"\n')
    assert relevance_problem([pyproject], "We're releasing 1.7.0 today. Put the new number everywhere") is None
    assert relevance_problem([pyproject], "Put the new number everywhere: 1.7.0") is None
    assert relevance_problem([pyproject], "Draft the weekly notes")
    assert junk_problem([change("notes.md", None, "x")], "Draft the weekly notes")
    assert junk_problem([change("pkg/sub/__init__.py", None, "")], "Make `sub` a package") is None
    assert junk_problem([change("py.typed", None, "")], "Ship a `py.typed` marker") is None


def test_shadow_needs_the_old_definition_to_stay(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "report.py").write_text("def fmt(x):\n    return str(x)\n", "utf-8")
    (tmp_path / "pkg" / "money.py").write_text("def fmt(x):\n    return f'{x:.2f}'\n", "utf-8")
    new = change("pkg/money.py", None, "def fmt(x):\n    return f'{x:.2f}'\n")
    assert shadow_problem([new], "`fmt` must show two decimals", tmp_path)
    assert shadow_problem([new], "Write a two-decimal `fmt` in a new module `pkg/money.py`", tmp_path) is None
    # a move: copied into the named new module, still defined where it was (move-function, session 7
    # baseline: ticked wrong)
    move = "Move `fmt` out of `pkg/report.py` into a new module `pkg/money.py`; `report.py` imports it from there"
    assert "`fmt` is still defined in pkg/report.py" in (shadow_problem([new], move, tmp_path) or "")
    (tmp_path / "pkg" / "report.py").write_text("from .money import fmt\n", "utf-8")
    assert shadow_problem([new], "`fmt` must show two decimals", tmp_path) is None  # moved, not copied
    assert shadow_problem([new], move, tmp_path) is None


CHORE_NAMES = sorted(p.parent.name for p in CHORES.glob("*/solution.patch"))


@pytest.mark.skipif(shutil.which("git") is None, reason="git applies the patches")
def test_every_hand_solution_of_the_chores_shows_its_work(tmp_path: Path) -> None:
    """No false refusal on the benchmark's own right answers (34 patches applied offline), by these
    checks, by what the item asks for (checks.item_problem) or by the literals the item quotes and
    its "no prints"."""
    assert len(CHORE_NAMES) >= 30
    refused = {}
    for name in CHORE_NAMES:
        copy = tmp_path / name
        shutil.copytree(CHORES / "project", copy, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        if (CHORES / name / "setup").is_file():
            subprocess.run([str(CHORES / name / "setup")], cwd=copy, check=True, capture_output=True)
        originals = {p.relative_to(copy).as_posix(): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
        subprocess.run(["git", "apply", str(CHORES / name / "solution.patch")], cwd=copy, check=True)
        now = {p.relative_to(copy).as_posix(): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
        changes = [
            FileChange(path, originals.get(path), now.get(path))
            for path in sorted(set(originals) | set(now))
            if originals.get(path) != now.get(path)
        ]
        lines = (CHORES / name / "item.md").read_text("utf-8").splitlines()
        item = "\n".join([lines[0].removeprefix("- [ ] "), *(line.strip() for line in lines[1:])])
        problem = (
            work_problem(changes, item, copy)
            or item_problem(changes, item, copy)
            or literals_problem(changes, item, [c.path for c in changes] + mentioned_paths(item))
            or prints_problem(changes, item)
        )
        if problem:
            refused[name] = problem
    assert refused == {}


def test_tests_kept_from_running_by_the_configuration_are_weakened_tests() -> None:
    item = "`tests/test_mod.py` fails — find the bug and fix it"
    pyproject = '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
    deselected = pyproject + 'addopts = "--deselect tests/test_mod.py::test_total"\n'
    assert "`--deselect` keeps tests from running" in (
        weakened_tests_problem([change("pyproject.toml", pyproject, deselected)], item) or ""
    )
    conftest = change("tests/conftest.py", None, 'collect_ignore = ["test_mod.py"]\n')
    assert "collect_ignore" in (weakened_tests_problem([conftest], item) or "")
    asked = "Make pytest ignore the `legacy/` folder in its config"
    assert weakened_tests_problem([change("pyproject.toml", pyproject, deselected)], asked) is None
    assert weakened_tests_problem([change("pyproject.toml", pyproject, pyproject + "# x\n")], item) is None


def test_a_change_rolled_back_is_no_answer(project: Path, write_config: Callable[[str], Path]) -> None:
    """Held-out summary-fahrenheit ("`meteo summary` needs a `--fahrenheit` flag …"): the words
    read as no change asked, the model's change broke the tests and was rolled back, and its last
    reply — code without a path — was ticked as the answer, no file changed. A step that changed
    files and had them rolled back did not do the work, whatever its last text says."""
    (project / "tests").mkdir()
    (project / "tests" / "test_mod.py").write_text(TESTS, "utf-8")
    before = tree(project)
    broken = MODULE.replace("return sum(values)", "return sum(values) + 1")
    code = "def total(values):\n    return sum(values) + 1\n\n# the totals now start at one, as they should\n" * 2
    item = "Have a look at the totals please, they seem off by one to me"
    tried = f"pkg/mod.py\n```python\n{broken}```\nRUN python -m pytest -q tests/test_mod.py"
    entry, told = work(project, write_config, item, chat_reply(content=tried), chat_reply(content="DONE"),
                    chat_reply(content="DONE"), chat_reply(content=code), run_tool=True)  # fmt: skip
    assert entry["status"] == "failed", entry
    assert "the step wrote pkg/mod.py, and those changes were rolled back" in (entry["error"] or ""), told
    assert tree(project) == before


def test_a_quantitys_unit_is_a_word_of_the_item() -> None:
    """heldout31 tench-pb-wrong: "… has my tench PB down as 5lb 2oz. It was 5lb 14oz …" — the hand fix
    of the weight parser (`pounds, ounces = …`, `GRAMS_PER_OZ`) was refused as about nothing the item says."""
    from agentrunner.agent.evidence import relevance_problem

    item = "`python -m creel bests` has my tench PB down as 5lb 2oz. It was 5lb 14oz (Mill Pond, 11 April)"
    before = b"def parse_weight(text):\n    grams = float(f'{a}.{b}') * GRAMS_PER_LB\n    return grams\n"
    after = b"def parse_weight(text):\n    grams = a * GRAMS_PER_LB + b * GRAMS_PER_OZ\n    return grams\n"
    assert relevance_problem([FileChange("creel/units.py", before, after)], item) is None
    unrelated = b"def parse_weight(text):\n    grams = float(f'{a}.{b}') * 453.6\n    return grams\n"
    assert relevance_problem([FileChange("creel/units.py", before, unrelated)], "tench PB is wrong") is not None
