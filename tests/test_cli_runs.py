"""agent/cli_runs.py: an option the item adds runs without a traceback (issue 12).

heldout7 week-since-option, written blind: Qwen2.5-Coder-1.5B added `--since` to `runlog week` with
a filter on an attribute the runs do not have; no test ran the option and it was ticked. Here a real
package with a `__main__.py` runs through the real sandbox, with and without the option. No model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.cli_runs import asked_fields, json_problem, option_run_check, quoted_command, sample_value
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


JSON_ITEM = "- [ ] `runlog week --json` please: the runs as JSON, each with its date and distance"
JSON_OPTION = '    week.add_argument("--json", action="store_true")\n'


def json_changed(ws: Workspace, use: str) -> list[FileChange]:
    path = ws.root / "runlog" / "__main__.py"
    before = path.read_bytes()
    main = MAIN.format(option=JSON_OPTION, use=use).replace("import argparse", "import argparse\nimport json")
    path.write_text(main, "utf-8")
    return [FileChange("runlog/__main__.py", before, path.read_bytes())]


@pytest.mark.parametrize(
    ("use", "wrong"),
    [
        # the option added and read, the plain total printed all the same (a model's half-done option)
        ("    if args.json:\n        print(sum(km for _, km in runs))\n        return\n", "without the fields"),
        ("    if args.json:\n        print(f'total {sum(km for _, km in runs)}')\n        return\n", "printed no JSON"),
        ('    if args.json:\n        print(json.dumps([{"km": km} for _, km in runs]))\n        return\n', "'date'"),
        (
            '    if args.json:\n        print(json.dumps([{"date": str(d), "distance": km} for d, km in runs]))\n'
            "        return\n",
            None,
        ),
        # one JSON object per line, keyed any way that names the fields
        (
            "    if args.json:\n        for d, km in runs:\n"
            '            print(json.dumps({"run_date": str(d), "distance_km": km}))\n        return\n',
            None,
        ),
    ],
)
def test_an_option_asked_to_print_json_prints_the_fields_asked(ws: Workspace, use: str, wrong: str | None) -> None:
    """heldout9 due-json-flag: "`plantcare due --json` please … each with its name, room and how many
    days overdue": an option quoted inside the command is an asked option, and what it prints is
    read as JSON with a key for each field listed."""
    check = option_run_check(ws, json_changed(ws, use), JSON_ITEM, task_id="t", timeout=60)
    assert check is not None
    if wrong is None:
        assert check.ok, check.detail
    else:
        assert not check.ok and wrong in check.detail and "python -m runlog week --json" in check.detail


def test_the_fields_asked_and_what_counts_as_json() -> None:
    due = "`plantcare due --json`: the due plants, each with its name, room and how many days overdue"
    assert asked_fields(due) == [
        "name",
        "room",
        "days overdue",
    ]
    assert asked_fields("print one JSON object: `items`, `units`, `value` and `low_stock`") == [
        "items",
        "units",
        "value",
        "low_stock",
    ]
    assert asked_fields("`x --json`: the same list as JSON") == []
    # heldout11 sites-json (ticked WRONG without "days"), heldout12, heldout13: no "with" before the list
    sites = "JSON list, one object per site:\nsite, species (different species), days (how many days), last_visit"
    assert asked_fields(sites) == ["site", "species", "days", "last visit"]
    assert asked_fields("one object per player with player, rating (1 decimal), plays and wins") == [
        "player", "rating", "plays", "wins"
    ]
    styles = "one JSON document, same numbers as the text report (batch count, ABV, attenuation, score)"
    assert asked_fields(styles) == ["batch count", "abv", "attenuation", "score"]
    # heldout14 bill-json (ticked WRONG): "I need: …", a field's qualifier, and "as a plain number"
    bill = "per month I need: the month, kWh imported, kWh exported, and the total in pounds as a plain number"
    assert asked_fields(bill) == ["month", "kwh imported", "kwh exported", "total"]
    # heldout15 leaderboard-json: the entries and their fields in a parenthesis, joined by "+"
    board = "give `clubrides leaderboard` a --json flag (riders with their rank + points). works with --month"
    assert asked_fields(board) == ["rider", "rank", "points"]
    assert asked_fields("a --json flag (each with its name + points)") == ["name", "points"]
    pounds = '[{"month": "2025-12", "import_kwh": 480.7, "export_kwh": 7.7, "total": "£116.29"}]'
    assert json_problem(pounds, bill) == 'printed total "£116.29", where the item asks for a number'
    assert json_problem(pounds.replace('"£116.29"', "116.29"), bill) is None
    keyed_by_name = '{"Fern": {"room": "bath", "overdue": 2}}'
    assert json_problem(keyed_by_name, "as JSON, each with its name, room and days overdue") is None
    assert json_problem("[]", "as JSON, each with its name and room") is None  # nothing due today: nothing to compare
    assert "printed no JSON" in (json_problem("Fern  bath  2\n", "as JSON") or "")


def test_an_option_added_to_another_parser_than_the_items_command_is_refused(ws: Workspace) -> None:
    """heldout10 mites-json-option (Qwen, 847ba18): asked for `hivelog mites --json`, the model added
    `--json` to the top-level parser; `hivelog mites --json` ended in argparse's "unrecognized
    arguments", which decided nothing, and it was ticked."""
    path = ws.root / "runlog" / "__main__.py"
    before = path.read_bytes()
    top_level = MAIN.format(option="", use=RIGHT).replace(
        '    commands = parser.add_subparsers', '    parser.add_argument("--since", type=date.fromisoformat)\n'
        '    commands = parser.add_subparsers'
    )
    path.write_text(top_level, "utf-8")
    changes = [FileChange("runlog/__main__.py", before, path.read_bytes())]
    check = option_run_check(ws, changes, ITEM, task_id="t", timeout=60)
    assert check is not None and not check.ok
    assert "unrecognized arguments: --since" in check.detail and "the `week` sub-command's parser" in check.detail


RIGS = """import argparse
import csv

SPELT = {{"s": "sail", "sail": "sail", "engine": "motor", "motor": "motor"}}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="saillog")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log")
{option}    args = parser.parse_args(argv)
    for row in csv.DictReader(open("data/passages.csv")):
        rig = SPELT[row["rig"].strip().lower()]
{use}        print(row["date"], rig)


main()
"""


@pytest.mark.parametrize(
    ("use", "ok"),
    [
        # heldout27 log-rig-filter (Qwen, blind, d18d089, ticked WRONG): the parsed rig compared with the
        # option's value as typed — `--rig engine` listed nothing
        ("        if args.rig and rig != args.rig:\n            continue\n", False),
        ("        if args.rig and rig != SPELT[args.rig.strip().lower()]:\n            continue\n", True),
    ],
)
def test_an_option_said_to_take_the_datas_spellings_lists_something_for_each(ws: Workspace, use: str, ok: bool) -> None:
    (ws.root / "data").mkdir()
    (ws.root / "data" / "passages.csv").write_text("date,rig\n2026-04-04,S\n2026-05-04,engine\n2026-05-05,sail\n")
    (ws.root / "saillog").mkdir()
    (ws.root / "saillog" / "__init__.py").write_text("", "utf-8")
    path = ws.root / "saillog" / "__main__.py"
    path.write_text(RIGS.format(option="", use=""), "utf-8")
    before = path.read_bytes()
    path.write_text(RIGS.format(option='    log.add_argument("--rig")\n', use=use), "utf-8")
    item = (
        '- [ ] `saillog log --rig sail` (or motor) to list only the passages made that way\n  I write "engine", '
        '"S" and so on in the log, so the option should take those spellings too.'
    )
    check = option_run_check(ws, [FileChange("saillog/__main__.py", before, path.read_bytes())], item, task_id="t",
                             timeout=60)  # fmt: skip
    assert check is not None and check.ok is ok, check.detail
    if not ok:
        assert "`python -m saillog log --rig S` lists nothing, but the data writes 'S'" in check.detail


@pytest.mark.parametrize(
    "item",
    [
        "`log --guitar X`. Has to cope with how I actually write the names in the csv — `tele`, `TELE`",  # heldout29
        "it has to take the kind the way I scribble it in the log (`SR`, `Rep`)",  # heldout28
    ],
)
def test_the_ways_an_item_says_the_option_takes_the_datas_spellings(item: str) -> None:
    """heldout29 log-guitar-filter's wrong patch (an exact match after `.lower()`) was refused only
    by a literal rule; "how I actually write" was no word for the data's spellings, so the option
    was never run with them."""
    from agentrunner.agent.cli_runs import _SPELLINGS_ASKED

    assert _SPELLINGS_ASKED.search(item)
