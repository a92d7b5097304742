"""Honest verification before a tick: a file that does not parse, a template echo, a module gutted
to ``...`` stubs or failing tests is never ticked done — and the failed item leaves the tree as it
was. The result file of a done item shows the diff and every check with its output.

The model is the scripted OpenAI-compatible server on loopback (see tests/test_transactions.py: our
own code path end to end, the model's answers fixed); one test runs the real embedded model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.journal import FileChange
from agentrunner.agent.verification import (
    asked_problem,
    content_checks,
    echo_problem,
    exports_problem,
    literals_problem,
    parse_check,
    shrink_problem,
    stub_problem,
)
from agentrunner.agent.verification import (
    tests_for as find_tests,  # a name starting "test" would be collected by pytest
)
from agentrunner.config import load_config
from agentrunner.runner import RunOptions, run
from tests.support.scripted_http import ScriptedServer
from tests.test_transactions import MODULE, USER_EDIT, chat_reply, config_text, models, todo, tree
from tests.test_transactions import project as project  # the fixture, shared

BIG_MODULE = '''"""Billing helpers."""


def total(values: list[float]) -> float:
    """Sum of the values, rounded to cents."""
    return round(sum(values), 2)


def average(values: list[float]) -> float:
    """Mean of the values (0 for none)."""
    if not values:
        return 0.0
    return total(values) / len(values)
'''

TESTS = """from pkg.billing import average, total


def test_total() -> None:
    assert total([1.0, 2.5]) == 3.5


def test_average() -> None:
    assert average([1.0, 3.0]) == 2.0
"""


@pytest.fixture
def billing(project: Path) -> Path:
    (project / "pkg" / "__init__.py").write_text("", "utf-8")
    (project / "pkg" / "billing.py").write_text(BIG_MODULE, "utf-8")
    (project / "tests").mkdir()
    (project / "tests" / "test_billing.py").write_text(TESTS, "utf-8")
    (project / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0.1.0"\n', "utf-8")
    return project


def work_one(project: Path, write_config: Callable[[str], Path], item: str, *replies: object) -> tuple[dict, Path]:
    """Run one item against scripted model answers; returns its summary entry and the to-do file."""
    with ScriptedServer({"/v1/models": models()}) as server:
        server.queue("/v1/chat/completions", *replies)  # type: ignore[arg-type]
        write_config(config_text(server.url))
        path = todo(project, item)
        summary = run(load_config(project / "routes.toml"), RunOptions(quiet=True))
    (entry,) = summary.items
    return entry, path


FINAL = "Finished: the change is made and the file is saved."

GENERATOR = """import pathlib
import sys

CONTENT = {
    "broken-py": "def median(values):\\n    return sorted(values)[len(values) // 2\\n",
    "broken-toml": '[project]\\nname = "demo"\\nversion = 0.2.0"\\n',
    "stubs": '\"\"\"Billing helpers.\"\"\"\\n\\n\\ndef total(values):\\n    ...\\n\\n\\n'
    'def average(values):\\n    ...\\n',
}
pathlib.Path(sys.argv[1]).write_text(CONTENT[sys.argv[2]])  # in place: same inode
"""

STUBBED = '''"""Billing helpers."""


def total(values: list[float]) -> float:
    ...


def average(values: list[float]) -> float:
    ...
'''

BROKEN_PY = BIG_MODULE + "\ndef median(values):\n    return sorted(values)[len(values) // 2\n"
BROKEN_TOML = '[project]\nname = "demo"\nversion = 0.2.0"\n'

CASES = {
    # the write_file tool refuses these itself now (agent-loop's guard); the item is still not ticked
    "py-does-not-parse-write": ("Add a `median` helper to `pkg/billing.py`", "pkg/billing.py", BROKEN_PY, "parse"),
    "toml-does-not-parse-write": (
        # not "Bump …": a version bump is the version-bump recipe's, no model call (test_version_bump.py)
        "Set the version in `pyproject.toml` to 0.2.0",
        "pyproject.toml",
        BROKEN_TOML,
        "parse",
    ),
    "module-replaced-by-stubs-write": ("Add type hints to `pkg/billing.py`", "pkg/billing.py", STUBBED, "'...'"),
    # a command the agent runs (a project's own generator) writes past the tool's guard: the
    # verification of the journal's changes catches it
    "py-does-not-parse-command": (
        "Regenerate the helpers with the generator",
        "pkg/billing.py broken-py",
        "",
        "parses: does not parse: pkg/billing.py:2",
    ),
    "toml-does-not-parse-command": (
        "Regenerate the metadata with the generator",
        "pyproject.toml broken-toml",
        "",
        "parses: does not parse: pyproject.toml",
    ),
    "module-replaced-by-stubs-command": (
        "Regenerate the helpers with the generator",
        "pkg/billing.py stubs",
        "",
        "stubs: pkg/billing.py: the body of total, average was replaced by a stub",
    ),
    "template-echo": (
        "Write a summary of `pkg/billing.py` into `docs/summary.md`",
        "docs/summary.md",
        "# Summary\n\nthe task done; a one-line summary\n",
        "echo: docs/summary.md holds template text 'the task done'",
    ),
    "instruction-echo": (
        "Write a summary of `pkg/billing.py` into `docs/summary.md`",
        "docs/summary.md",
        "Write a summary of `pkg/billing.py` into `docs/summary.md`\n",
        "echo: docs/summary.md echoes the instruction",
    ),
    "tests-fail": (
        "Make `average` in `pkg/billing.py` return the median instead",
        "pkg/billing.py",
        BIG_MODULE.replace("return total(values) / len(values)", "return sorted(values)[len(values) // 2 + 1]"),
        "tests: pytest tests/test_billing.py failed",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_wrong_work_is_not_ticked_and_is_rolled_back(
    billing: Path, write_config: Callable[[str], Path], case: str
) -> None:
    item, target, content, reason = CASES[case]
    (billing / "gen.py").write_text(GENERATOR, "utf-8")
    before = tree(billing)
    if case.endswith("-command"):
        action = chat_reply(tool=("shell", {"command": f"python3 gen.py {target}"}))
    else:
        action = chat_reply(tool=("write_file", {"path": target, "content": content}))
    with ScriptedServer({"/v1/models": models()}) as server:
        # a change item that changed nothing is told so once; the same answer again ends it (work
        # the loop's DONE check refuses: the same answer again starts over, the same action repeats)
        final = chat_reply(content=FINAL)
        # (a fresh start may make again the write its restore undid, and the third time in a row is
        # a repeat: after the second fresh start the model writes it once more and says the same again)
        server.queue("/v1/chat/completions", action, final, final, action, action, action, action, final, final)
        write_config(config_text(server.url, shell=True).replace("python3 -m py_compile", "python3 gen.py"))
        todo_path = todo(billing, item)
        summary = run(load_config(billing / "routes.toml"), RunOptions(quiet=True))
    (entry,) = summary.items
    assert entry["status"] == "failed", entry
    assert reason in (entry["error"] or ""), entry["error"]
    assert "- [x]" not in todo_path.read_text("utf-8")
    assert tree(billing) == before


def test_done_item_result_shows_the_diff_and_every_check_with_its_output(
    billing: Path, write_config: Callable[[str], Path]
) -> None:
    fixed = BIG_MODULE.replace('    """Sum of the values, rounded to cents."""', '    """Sum of the values (cents)."""')
    entry, todo_path = work_one(
        billing,
        write_config,
        "Shorten the docstring of `total` in `pkg/billing.py`",
        chat_reply(tool=("write_file", {"path": "pkg/billing.py", "content": fixed})),
        chat_reply(content=FINAL),
    )
    assert entry["status"] == "done", entry
    result = Path(entry["result"]).read_text("utf-8")
    assert "```diff" in result and "--- a/pkg/billing.py" in result and "+++ b/pkg/billing.py" in result
    assert '-    """Sum of the values, rounded to cents."""' in result
    assert '+    """Sum of the values (cents)."""' in result
    for name in ("parses", "echo", "stubs", "shrink", "outputs", "tests"):
        assert f"✓ **{name}**" in result, name
    assert "pytest tests/test_billing.py" in result and "2 passed" in result  # the test run's own output
    assert "- [x]" in todo_path.read_text("utf-8")
    assert not list((billing / ".agentrunner" / "journal").glob("*/entries.jsonl"))  # done: journal discarded
    assert not (billing / "tests" / "__pycache__").exists()  # the verification's test run left nothing


def test_named_output_must_change(project: Path, write_config: Callable[[str], Path]) -> None:
    """An in-place edit item whose file the model rewrites with the same bytes did nothing."""
    entry, _ = work_one(
        project,
        write_config,
        "Add a docstring to `pkg/mod.py`",
        chat_reply(tool=("write_file", {"path": "pkg/mod.py", "content": USER_EDIT})),
        chat_reply(content=FINAL),
    )
    assert entry["status"] == "failed" and "outputs: pkg/mod.py is unchanged" in entry["error"]


def change(path: str, before: str | None, after: str | None) -> FileChange:
    return FileChange(path, None if before is None else before.encode(), None if after is None else after.encode())


def test_the_checks_one_by_one() -> None:
    literals = {"expected output": "the task done; a one-line summary", "instruction": "Write the release plan"}
    assert echo_problem(change("a.md", None, "TODO\n"), literals)
    assert echo_problem(change("a.md", None, "...\n"), literals)
    assert echo_problem(change("a.md", "real text here " * 5, "# TODO: write this\n..."), literals)
    assert echo_problem(change("a.md", None, "Write the release plan\n"), literals)
    assert echo_problem(change("a.md", None, "1. Freeze main.\n2. Tag.\n3. Ship Thursday.\n"), literals) is None
    assert echo_problem(change("todo.md", None, "- TODO: a.py:3 fix rounding\n"), literals) is None  # real TODO list
    assert stub_problem(change("m.py", MODULE, "def total(values):\n    ...\n"))
    assert stub_problem(change("m.py", None, "def a():\n    ...\n\n\ndef b():\n    ...\n"))
    assert stub_problem(change("m.py", None, "def a():\n    return 1\n")) is None
    assert stub_problem(change("m.py", "def a():\n    pass\n", "def a():\n    ...\n")) is None  # was a stub
    big = "x = 1\n" * 100
    assert shrink_problem(change("m.py", big, "x = 1\n"), deletion_asked=False)
    assert shrink_problem(change("m.py", big, None), deletion_asked=False)
    assert shrink_problem(change("m.py", big, "x = 1\n"), deletion_asked=True) is None
    yaml_check = parse_check([change("c.yaml", None, "a: [1, 2\n"), change("d.json", None, "{}")])
    assert not yaml_check.ok and "c.yaml" in yaml_check.detail
    checks = content_checks([change("d.json", None, '{"a": 1}')], literals=literals, item_text="x")
    assert [c.name for c in checks] == ["parses", "echo", "stubs", "exports", "shrink", "asked"]
    assert all(c.ok for c in checks)
    assert json.loads('{"a": 1}') == {"a": 1}


def test_the_changes_do_what_the_item_literally_asks() -> None:
    """Seen on the chores benchmark: a .gitignore without `.venv/` (the item lists it) was ticked;
    a docstring item whose edit also changed the code would have been."""
    gitignore = "Add a `.gitignore`\n  Python bytecode, virtualenvs (`.venv/`), build output (`build/`, `dist/`)"
    partial = [change(".gitignore", None, "__pycache__/\nvenv/\nbuild/\ndist/\n")]
    assert "`.venv/`" in (asked_problem(partial, gitignore, None) or "")
    right = "__pycache__/\n*.py[cod]\n.venv/\nbuild/\ndist/\n"  # a stray .pyc is bytecode too (616f72a)
    assert asked_problem([change(".gitignore", None, right)], gitignore, None) is None
    dev = [change("pyproject.toml", "[project]\n", "[project.optional-dependencies]\ndev = []\n")]
    assert "pytest>=8" in (asked_problem(dev, "Add a `dev` extra with `pytest>=8` to `pyproject.toml`", None) or "")
    # seen on the chores benchmark: pytest>=8 put into the main dependencies, no `dev` extra ("development" is no `dev`)
    main_deps = [
        change("pyproject.toml", 'description = "development"\n', 'description = "development"\nx = ["pytest>=8"]\n')
    ]
    assert "'dev'" in (asked_problem(main_deps, "Add a `dev` extra with `pytest>=8` to `pyproject.toml`", None) or "")
    # code is judged by the tests (beyond the names the item quotes), a deletion need not contain what it deletes
    assert asked_problem([change("m.py", MODULE, "x = 1\n")], "Make `m.py` simpler, like `x = 1`", None) is None
    assert asked_problem([change("a.md", "`old` here\n", "\n")], "Delete `old` from `a.md`", None) is None
    docstring = "Add a docstring to `total` in `m.py`"
    documented = MODULE.replace('"""Sum of the values."""', '"""The sum of the values, as a float."""')
    assert asked_problem([change("m.py", MODULE, documented)], docstring, None) is None
    hinted = documented.replace("def total(values):", "def total(values: list[float]) -> float:")
    assert asked_problem([change("m.py", MODULE, hinted)], "Add type hints to `m.py`", None) is None
    rewritten = documented.replace("sum(values)", "sum(values) + 1")
    assert "the code changed" in (asked_problem([change("m.py", MODULE, rewritten)], docstring, None) or "")
    checks = content_checks([change("m.py", MODULE, rewritten)], literals={}, item_text=docstring)
    assert [c.name for c in checks][-1] == "asked" and not checks[-1].ok


def test_a_local_s_type_hint_is_no_change_of_code() -> None:
    """heldout3 fees-type-hints, heldout4 filters-type-hints, heldout5 report-type-hints: each hand
    solution annotates a local's first assignment (`totals: dict[str, int] = {}`), and each was
    refused as "the code changed" — an annotated assignment compared as a different statement."""
    before = "def tally(rows):\n    totals = {}\n    for row in rows:\n        totals[row] = 1\n    return totals\n"
    hinted = before.replace("def tally(rows):", "def tally(rows: list[str]) -> dict[str, int]:")
    local = hinted.replace("    totals = {}", "    totals: dict[str, int] = {}")
    bare = local.replace("    totals: dict[str, int] = {}", "    seen: set[str]\n    totals: dict[str, int] = {}")
    for after in (local, bare):
        assert asked_problem([change("m.py", before, after)], "Add type hints to `m.py`", None) is None
    changed = [change("m.py", before, local.replace("= {}", "= {'x': 0}"))]
    assert "the code changed" in (asked_problem(changed, "Add type hints to `m.py`", None) or "")


def test_what_only_the_type_checker_reads_is_no_change_of_code() -> None:
    """heldout16 stats-strict-hints: "I want `mypy --strict qsolog/stats.py` to pass" — the hand
    solution declares `K = TypeVar("K", bound=Hashable)` for `tally`, and was refused as a code change."""
    before = "def tally(rows, key):\n    return {key(row): 1 for row in rows}\n"
    hinted = (
        "from typing import TYPE_CHECKING, TypeAlias, TypeVar\n\nK = TypeVar('K')\nRows: TypeAlias = list[str]\n"
        "if TYPE_CHECKING:\n    from collections.abc import Callable\n\n\n"
        "def tally(rows: Rows, key: Callable[[str], K]) -> dict[K, int]:\n    return {key(row): 1 for row in rows}\n"
    )
    item = "type hints for m.py: `mypy --strict m.py` must pass"
    assert asked_problem([change("m.py", before, hinted)], item, None) is None
    ran = hinted.replace("K = TypeVar('K')", "K = TypeVar('K')\nLIMIT = 3")
    assert "the code changed" in (asked_problem([change("m.py", before, ran)], item, None) or "")


def test_an_alias_without_typealias_a_fixs_quoted_command_and_a_negated_literal_ask_nothing() -> None:
    """heldout18's hand solutions, refused by the gate (three of the blind run's failures):
    status-type-hints declared `Row = tuple[...]` (read as code); stale-reef-status's fix, with a
    changelog line, did not write the command and output the bug item quotes; change-json's
    `--json` prints "plain numbers (not "35%")" — and the gate asked for "35%"."""
    before = "def rows(tanks):\n    return [(t, 1) for t in tanks]\n"
    alias = "Row = tuple[str, int | None]\n\n\ndef rows(tanks: list[str]) -> list[Row]:\n"
    alias += "    return [(t, 1) for t in tanks]\n"
    assert asked_problem([change("m.py", before, alias)], "Type hints for m.py, mypy --strict clean", None) is None
    constant = alias.replace("Row = tuple[str, int | None]", "Row = 3")
    assert "the code changed" in (asked_problem([change("m.py", before, constant)], "Type hints for m.py", None) or "")
    fix = [
        change("m.py", "LAST = 0\n", "LAST = -1\n"),
        change("CHANGELOG.md", "## Unreleased\n", "## Unreleased\n\n- status shows the last test.\n"),
    ]
    bug = "`python -m tanklog status --date 2026-05-16` lists the Reef as `ok    2026-05-01`; should be the last"
    assert literals_problem(fix, bug, []) is None
    json_item = 'a JSON list with `tank` and `percent` as plain numbers (not "35%")'
    code = [change("cli.py", "x = 1\n", "x = 1\nKEYS = ['tank', 'percent']\n")]
    assert literals_problem(code, json_item, []) is None
    page = [change("docs/resting.md", None, "# Resting\n\nA medium roast rests five days.\n")]
    asked = 'a docs/ page about resting — I get asked "how long do I leave a medium roast?" every week'
    assert literals_problem(page, asked, []) is None  # words someone said, not text to write (heldout19)
    docs = [change("README.md", "# t\n", "# t\n\nUse 35 or 40.\n")]
    assert literals_problem(docs, 'the README should say "35%", not "40%"', []) is not None  # asked, not negated
    renamed = [change("README.md", "load_batches()\n", "read_batch_log()\n"), change("m.py", "x = 1\n", "y = 1\n")]
    arrow = 'load_batches → read_batch_log (nothing gets "loaded", it just reads the CSV). Everywhere, README too'
    assert literals_problem(renamed, arrow, []) is None  # the why of a rename, not text to write (heldout40)


def test_the_project_s_command_quoted_in_a_bug_is_no_literal_to_write() -> None:
    """heldout20 april-dates-in-march: "`boulderlog sessions` has me climbing on 2026-03-04 …" — the
    fix of boulderlog/climbs.py was refused for not writing `boulderlog sessions`: a command to run."""
    item = "`boulderlog sessions` has me climbing on 2026-03-04, and in July. I was there in early April"
    fix = [
        change("boulderlog/climbs.py", "DAY_FIRST = False\n", "DAY_FIRST = True\n"),
        change("CHANGELOG.md", "## Unreleased\n", "## Unreleased\n\n- Day-first dates are read as such.\n"),
    ]
    assert literals_problem(fix, item, []) is None
    assert literals_problem(fix, "`python -m boulderlog sessions` shows March, the day I was there", []) is None
    assert literals_problem(fix[1:], item, []) is not None  # no code changed: the words are asked
    page = [change("README.md", "# b\n", "# b\n\nRun it.\n")]
    assert literals_problem(page, "the README should show `boulderlog sessions`", []) is not None  # text to write


def test_a_value_the_projects_data_holds_is_input_to_read_not_text_to_write(tmp_path: Path) -> None:
    """heldout26 rolls-developer-filter: "Match it however the log writes it: `HC-110 B`, … `D76 stock`
    is D-76" — the hand solution (an option normalising the name, its README line) was refused for
    not writing `D76`: a value of data/rolls.csv the code reads, not text for a file."""
    from agentrunner.agent.verification import data_values

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "rolls.csv").write_text("date,developer\n2026-02-14,D76 stock\n2026-02-21,hc110 dil. B\n")
    item = "add `rolls --developer NAME`\nMatch it as the log writes it: `hc110 dil. B` is HC-110, `D76 stock` is D-76"
    assert data_values(tmp_path, item) == {"D76 stock", "hc110 dil. B"}
    fix = [
        change("pkg/cli.py", "A = 1\n", "A = 1\nB = 2\n"),
        change("README.md", "# p\n", "# p\n\n`--developer NAME` keeps one developer's rolls.\n"),
    ]
    values = data_values(tmp_path, item)
    assert literals_problem(fix, item, [], values) is None
    assert literals_problem(fix, item, []) is not None  # without the data: `hc110` asked
    assert literals_problem(fix[1:], item, [], values) is not None  # no code changed: the words are asked


def test_a_spelling_the_data_holds_in_another_case_is_input_too(tmp_path: Path) -> None:
    """heldout28 log-kind-filter (blind, ea80789): "the way I scribble it in the log (`SR`, `sight
    reading`, `Rep`, `TECH`…)" — the log has `tech`, not `TECH`; the filter move's right change was
    refused for not writing 'TECH'."""
    from agentrunner.agent.verification import data_values

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "log.csv").write_text("date,kind\n2026-03-01,tech\n2026-03-02,sight  Reading\n")
    item = "add `--kind` to `p log`\nthe way I scribble it (`TECH`, `sight reading`, `Rep`)"
    assert data_values(tmp_path, item) == {"TECH", "sight reading"}


def test_yaml_is_skipped_with_a_note_without_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    import agentrunner.agent.verification as verification

    monkeypatch.setattr(verification, "yaml_available", lambda: False)
    check = parse_check([change("c.yaml", None, "a: [1, 2\n")])
    assert check.ok and "not checked (PyYAML is not installed): c.yaml" in check.detail


GEMMA = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 4096
max_tokens = 128
cost_per_hour = 0.05

[agent]
workspace = "."
tasks_dir = "tasks"
max_tool_calls = 2
"""

CALC = (
    "def calc_total(prices):\n    return sum(prices)\n\n\n"
    "def mean(values):\n    return calc_total(values) / (len(values) + 1)\n"
)
CALC_TESTS = "from calc import mean\n\n\ndef test_mean() -> None:\n    assert mean([2.0, 4.0]) == 3.0\n"


@pytest.mark.model
def test_real_model_done_shows_its_diff_and_failed_leaves_no_trace(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    """The embedded Gemma 3 270M: a rename (a recipe it can do) is done and its result file shows
    the diff; fixing a planted bug (beyond it) either fails — and then the tree is byte-identical —
    or, if it ever succeeds, the test it names really passes (no ticked-but-wrong)."""
    (isolated_home / "calc.py").write_text(CALC, "utf-8")
    (isolated_home / "tests").mkdir()
    (isolated_home / "tests" / "test_calc.py").write_text(CALC_TESTS, "utf-8")
    (isolated_home / "billing.py").write_text("def calc_total(p):\n    return sum(p)\n", "utf-8")
    (isolated_home / "tasks").mkdir()
    write_config(GEMMA)
    todo(isolated_home, "Rename `calc_total` to `compute_total` in `billing.py`")
    summary = run(load_config(isolated_home / "routes.toml"), RunOptions(quiet=True))
    (renamed,) = summary.items
    assert renamed["status"] == "done", renamed
    result = Path(renamed["result"]).read_text("utf-8")
    assert "-def calc_total(p):" in result and "+def compute_total(p):" in result and "✓ **parses**" in result
    before = tree(isolated_home)
    todo(isolated_home, "Fix the bug in `calc.py` so that `tests/test_calc.py` passes")
    summary = run(load_config(isolated_home / "routes.toml"), RunOptions(quiet=True))
    (fixed,) = summary.items
    if fixed["status"] == "failed":
        assert tree(isolated_home) == before
    else:
        import subprocess
        import sys

        check = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
            cwd=isolated_home,
            capture_output=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout


def test_tests_not_run_without_a_sandbox_say_so(
    billing: Path, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine where no sandbox works (commands disabled: an edge this machine, which has one,
    cannot reach — so the check is told so): the tests check passes and the result file says why
    the tests did not run."""
    import agentrunner.tools as tools

    monkeypatch.setattr(tools, "sandbox_status", lambda: "bubblewrap is not installed")
    fixed = BIG_MODULE.replace('    """Sum of the values, rounded to cents."""', '    """Sum of the values (cents)."""')
    entry, _ = work_one(
        billing,
        write_config,
        "Shorten the docstring of `total` in `pkg/billing.py`",
        chat_reply(tool=("write_file", {"path": "pkg/billing.py", "content": fixed})),
        chat_reply(content=FINAL),
    )
    assert entry["status"] == "done", entry
    result = Path(entry["result"]).read_text("utf-8")
    assert "✓ **tests** not run (commands are disabled: bubblewrap is not installed)" in result


def test_code_changes_hold_the_names_the_item_quotes() -> None:
    """A change to the named module that does not add what the item names (`__all__`) is no tick;
    an example value in the item ("like `Inventory(12 items)`") or a name a fix removes is no name."""
    loader = "def load():\n    return 1\n"
    unrelated = [change("loader.py", loader, loader + "\n\ndef helper():\n    return 2\n")]
    assert "'__all__'" in (asked_problem(unrelated, "Add `__all__` to `loader.py`", None) or "")
    done = [change("loader.py", loader, '__all__ = ["load"]\n\n\n' + loader)]
    assert asked_problem(done, "Add `__all__` to `loader.py`", None) is None
    shown = "Give `Basket` a `__repr__` like `Basket(3 items)`"
    with_repr = [
        change(
            "m.py",
            "class Basket:\n    pass\n",
            "class Basket:\n    def __repr__(self):\n        return f'Basket({len(self.items)} items)'\n",
        )
    ]
    assert asked_problem(with_repr, shown, None) is None
    typo = [change("cli.py", 'print("Fiel not found")\n', 'print("File not found")\n')]
    assert asked_problem(typo, 'Fix the typo in the message ("Fiel not found") of `cli.py`', None) is None


def test_a_short_quoted_literal_does_not_pair_with_the_next_one() -> None:
    """`,` and `;` in "default `,` — the Lyon branch exports with `;`" are two literals, not one
    literal " — the Lyon branch exports with " (seen on the chores benchmark). (A notes page alone
    is no longer the change here: the item asks for code, and prose only is refused for that.)"""
    item = "`load` should take a `delimiter` argument, default `,` — the Lyon branch exports with `;`"
    code = "def load(path, delimiter=','):\n    return path.split(delimiter)  # Lyon uses ';'\n"
    assert asked_problem([change("loader.py", None, code)], item, None) is None


JUNK_ANSWER = (
    "The Inventory class holds items. It is used by the loader and the report to count units and "
    "to look items up by their SKU."
)


def test_a_change_item_that_changed_nothing_is_not_ticked(
    billing: Path, write_config: Callable[[str], Path]
) -> None:
    """Issue 12, the Gemma hole: the item names its file only as an input, the model answers with
    text and changes nothing. A change item is not done by an answer; an answer item (or one the
    user tags #answer) is."""
    before = tree(billing)
    item = "Give `total` (`pkg/billing.py`) a `strict` flag that rejects negative values"
    junk = chat_reply(content=JUNK_ANSWER)
    entry, todo_path = work_one(billing, write_config, item, junk, junk)
    assert entry["status"] == "failed", entry
    assert "intent: no file changed, but the item asks for a change" in (entry["error"] or ""), entry["error"]
    assert "- [x]" not in todo_path.read_text("utf-8")
    assert tree(billing) == before

    entry, todo_path = work_one(
        billing, write_config, "Explain what `total` does (`pkg/billing.py`)", chat_reply(content=JUNK_ANSWER)
    )
    assert entry["status"] == "done", entry["error"]
    assert "✓ **intent** answer: it asks to explain" in Path(entry["result"]).read_text("utf-8")

    entry, todo_path = work_one(billing, write_config, f"{item} #answer", chat_reply(content=JUNK_ANSWER))
    assert entry["status"] == "done", entry  # the user's override: an answer is what they want


def test_the_tests_of_a_changed_module_include_every_test_that_imports_it(tmp_path: Path) -> None:
    """A test file that imports a changed module tests it, whatever its name (`test_pricing.py`
    imports `Item` from `models.py`); before, only `test_models.py` counted."""
    for folder in ("src/shop", "tests"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "src/shop/models.py").write_text("X = 1\n", "utf-8")
    tests = {
        "test_pricing.py": "from shop.models import Item\n",
        "test_cli.py": "from shop import cli, models\n",
        "test_plain.py": "import shop.models as m\n",
        "test_other.py": "from shop.modelsx import y\nfrom shop import pricing\n# shop.models\n",
    }
    for name, text in tests.items():
        (tmp_path / "tests" / name).write_text(text, "utf-8")
    found = find_tests([], [change("src/shop/models.py", "X = 1\n", "X = 2\n")], tmp_path, mentions_tests=False)
    assert sorted(found) == ["tests/test_cli.py", "tests/test_plain.py", "tests/test_pricing.py"]


def test_the_tests_of_a_changed_module_are_not_those_of_a_nested_project(tmp_path: Path) -> None:
    """make run at 5491bb8: renaming in `examples/billing.py` ran
    `benchmarks/chores-heldout/project/tests/test_billing.py`, a nested project's test of its own
    `billing` module, and the item failed. A folder with its own pyproject.toml is another project,
    unless the change is inside it."""
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples/billing.py").write_text("X = 1\n", "utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_billing.py").write_text("from examples.billing import X\n", "utf-8")
    nested = tmp_path / "benchmarks/other/project"
    (nested / "tests").mkdir(parents=True)
    (nested / "pyproject.toml").write_text('[project]\nname = "other"\n', "utf-8")
    (nested / "billing.py").write_text("Y = 1\n", "utf-8")
    (nested / "tests/test_billing.py").write_text("from billing import Y\n", "utf-8")
    found = find_tests([], [change("examples/billing.py", "X = 1\n", "X = 2\n")], tmp_path, mentions_tests=False)
    assert found == ["tests/test_billing.py"]
    inside = change("benchmarks/other/project/billing.py", "Y = 1\n", "Y = 2\n")
    found = find_tests([], [inside], tmp_path, mentions_tests=False)
    assert found == ["benchmarks/other/project/tests/test_billing.py", "tests/test_billing.py"]


def test_an_all_lists_only_what_the_module_defines() -> None:
    """Issue 12 (add-dunder-all, Qwen): `__all__` in loader.py listed `Item` and `Inventory`,
    imported from models, and was ticked."""
    loader = "from .models import Inventory, Item\n\nCOLUMNS = ('sku',)\n\n\ndef load_items(path):\n    return 1\n"
    wrong = loader + "\n__all__ = ['Inventory', 'Item', 'load_items']\n"
    right = loader + "\n__all__ = ['COLUMNS', 'load_items']\n"
    problem = exports_problem(change("pkg/loader.py", loader, wrong))
    assert problem and "Inventory, Item, which the module imports" in problem
    assert exports_problem(change("pkg/loader.py", loader, right)) is None
    package = "from .loader import load_items\n__all__ = ['load_items']\n"
    assert exports_problem(change("pkg/__init__.py", "", package)) is None
    assert exports_problem(change("pkg/loader.py", wrong, wrong + "# note\n")) is None  # __all__ as it was
    assert "does not define" in (exports_problem(change("pkg/a.py", None, "__all__ = ['nope']\n")) or "")
    checks = content_checks([change("pkg/loader.py", loader, wrong)], literals={}, item_text="Add `__all__`")
    assert [(c.name, c.ok) for c in checks][-1] == ("exports", False)


PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\n'


def test_a_pyproject_must_stay_valid_not_only_parse() -> None:
    """Issue 12 (dev-dependencies, Qwen): `[tool.setuptools.extras]` parses as TOML, is no
    pyproject.toml setuptools accepts, and was ticked."""
    pytest.importorskip("setuptools.config._validate_pyproject")
    wrong = PYPROJECT + '[tool.setuptools.extras]\ndev = ["pytest>=8"]\n'
    right = PYPROJECT + '[project.optional-dependencies]\ndev = ["pytest>=8"]\n'
    check = parse_check([change("pyproject.toml", PYPROJECT, wrong)])
    assert not check.ok and "must not contain {'extras'}" in check.detail, check.detail
    assert parse_check([change("pyproject.toml", PYPROJECT, right)]).ok
    assert parse_check([change("pyproject.toml", wrong, wrong + "# x\n")]).ok  # invalid before: not ours


def test_a_new_file_named_like_an_existing_one_the_item_names_is_misplaced(tmp_path: Path) -> None:
    """Issue 12 (move-function, Qwen): "`report.py` imports it from there" made a new top-level
    report.py beside stockroom/report.py, and was ticked."""
    (tmp_path / "stockroom").mkdir()
    (tmp_path / "stockroom" / "report.py").write_text("X = 1\n", "utf-8")
    item = "Move `fmt` out of `stockroom/report.py` into a new module `stockroom/money.py`; `report.py` imports it"
    (tmp_path / "report.py").write_text("from stockroom.money import fmt\n", "utf-8")
    (tmp_path / "stockroom" / "money.py").write_text("def fmt(x):\n    return x\n", "utf-8")
    stray = [change("report.py", None, "from stockroom.money import fmt\n")]
    problem = asked_problem(stray, item, tmp_path)
    assert problem and "means the existing stockroom/report.py" in problem
    assert asked_problem([change("stockroom/money.py", None, "def fmt(x):\n    return x\n")], item, tmp_path) is None
    # the existing file is not named by its path: a new file of the same name elsewhere is no mistake
    assert asked_problem([change("report.py", None, "X = 2\n")], "Add a top-level `report.py` script", tmp_path) is None


def test_spellings_quoted_in_two_cases_are_each_input(tmp_path: Path) -> None:
    """heldout29 log-guitar-filter: "`tele`, `Telecaster`, `TELE` should all get the tele" — `tele`
    and `TELE` are one value in any case; each quoted spelling is input, not only the last."""
    from agentrunner.agent.verification import data_values

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "log.csv").write_text("date,guitar\n2026-03-01,Tele\n2026-03-02,telecaster\n")
    item = "`log --guitar X`: `tele`, `Telecaster`, `TELE` should all get the tele"
    assert data_values(tmp_path, item) == {"tele", "TELE", "Telecaster"}
