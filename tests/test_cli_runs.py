"""agent/cli_runs.py: an option the item adds runs without a traceback (issue 12).

heldout7 week-since-option, written blind: Qwen2.5-Coder-1.5B added `--since` to `runlog week` with
a filter on an attribute the runs do not have; no test ran the option and it was ticked. Here a real
package with a `__main__.py` runs through the real sandbox, with and without the option. No model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.cli_runs import option_run_check, quoted_command, sample_value
from agentrunner.agent.journal import FileChange
from agentrunner.config import load_config
from agentrunner.tools import Workspace
from tests.test_agent_loop import CONFIG

ITEM = "- [ ] `runlog week` needs a `--since YYYY-MM-DD` option that leaves out runs before that date"
MAIN = """import argparse
from datetime import date

RUNS = [(date(2026, 3, 2), 6.4), (date(2026, 3, 11), 6.2)]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="runlog")
    commands = parser.add_subparsers(dest="command", required=True)
    week = commands.add_parser("week")
{option}    args = parser.parse_args(argv)
    runs = RUNS
{use}    print(sum(km for _, km in runs))


main()
"""
OPTION = '    week.add_argument("--since", type=date.fromisoformat)\n'
# what the model wrote: a filter on an attribute the runs do not have
CRASHES = "    if args.since:\n        runs = [r for r in runs if r.start >= args.since]\n"
RIGHT = "    if args.since:\n        runs = [r for r in runs if r[0] >= args.since]\n"


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    root = isolated_home / "ws"
    (root / "runlog").mkdir(parents=True)
    (root / "runlog" / "__init__.py").write_text("", "utf-8")
    (root / "runlog" / "__main__.py").write_text(MAIN.format(option="", use=""), "utf-8")
    return Workspace(load_config(write_config(CONFIG)))


def changed(ws: Workspace, use: str) -> list[FileChange]:
    path = ws.root / "runlog" / "__main__.py"
    before = path.read_bytes()
    path.write_text(MAIN.format(option=OPTION, use=use), "utf-8")
    return [FileChange("runlog/__main__.py", before, path.read_bytes())]


def test_an_option_whose_code_crashes_is_refused_with_the_traceback(ws: Workspace) -> None:
    check = option_run_check(ws, changed(ws, CRASHES), ITEM, task_id="t", timeout=60)
    assert check is not None and not check.ok
    assert "python -m runlog week --since" in check.detail and "AttributeError" in check.detail


def test_an_option_that_runs_passes(ws: Workspace) -> None:
    check = option_run_check(ws, changed(ws, RIGHT), ITEM, task_id="t", timeout=60)
    assert check is not None and check.ok, check.detail


def test_a_command_that_does_not_run_clean_without_the_option_decides_nothing(ws: Workspace) -> None:
    changes = changed(ws, CRASHES)
    (ws.root / "runlog" / "__main__.py").write_text(
        MAIN.format(option=OPTION, use=CRASHES).replace("RUNS = [", "RUNS = 1 / 0; X = [")
    )
    check = option_run_check(ws, changes, ITEM, task_id="t", timeout=60)
    assert check is not None and check.ok and "not decided" in check.detail


def test_nothing_runs_without_a_quoted_command_or_an_added_option(ws: Workspace) -> None:
    assert (
        option_run_check(
            ws, changed(ws, CRASHES), ITEM.replace("`runlog week`", "the week report"), task_id="t", timeout=60
        )
        is None
    )
    assert option_run_check(ws, [], ITEM, task_id="t", timeout=60) is None


def test_commands_and_values_are_read_from_the_item(tmp_path: Path) -> None:
    (tmp_path / "runlog").mkdir()
    (tmp_path / "runlog" / "__main__.py").write_text("", "utf-8")
    assert quoted_command(tmp_path, ITEM) == ("runlog", ["week"])
    assert quoted_command(tmp_path, "add `--top N` to `python -m runlog bests --all`") == ("runlog", ["bests"])
    assert quoted_command(tmp_path, "`fleetlog due` needs `--vehicle`") is None
    assert sample_value("N") == "2" and sample_value(None) == "" and sample_value("name") == "name"
    assert sample_value("YYYY-MM-DD") is not None and sample_value("ID") is None
