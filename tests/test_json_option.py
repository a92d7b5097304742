"""The ``--json`` option move (agent/json_option.py): the model names each field's expression, code
writes the option, the JSON branch and the import; the gate then runs the command with it (issue
12: Qwen got none of the held-out suites' JSON chores right). The model is played by prepared
answers; the project, its tests and the command run for real."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentrunner.agent.cli_runs import json_problem
from agentrunner.agent.json_option import json_option_writes
from agentrunner.agent.loop import run_loop
from agentrunner.chat import ChatRequest, ChatResponse
from agentrunner.config import load_config
from agentrunner.sandbox import sandbox_status
from agentrunner.tools import ToolResult, Workspace
from tests.conftest import WORKSPACE_TOOLS
from tests.support.recipe_context import item

CLI = '''"""The clubs' command line."""

from __future__ import annotations

import argparse
import sys

from clubs.members import Member, load


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clubs")
    commands = parser.add_subparsers(dest="command", required=True)
    top = commands.add_parser("top", help="the members, most points first")
    top.add_argument("--min", type=int, default=0)
    commands.add_parser("names", help="every member's name")
    total = commands.add_parser("total", help="the club's totals")
    total.add_argument("--min", type=int, default=0)
    return parser


def cmd_top(args: argparse.Namespace) -> int:
    members = [m for m in load() if m.points >= args.min]
    if not members:
        print("nobody yet")
        return 0
    for rank, member in enumerate(sorted(members, key=lambda m: -m.points), start=1):
        print(f"{rank}. {member.name} {member.points}")
    return 0


def cmd_total(args: argparse.Namespace) -> int:
    members = [m for m in load() if m.points >= args.min]
    points = sum(m.points for m in members)
    for label, value in (("members", len(members)), ("points", points)):
        print(f"{label}: {value}")
    return 0


def cmd_names(members: list[Member]) -> None:
    for member in members:
        print(member.name)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "top":
        return cmd_top(args)
    if args.command == "total":
        return cmd_total(args)
    cmd_names(load())
    return 0
'''
MEMBERS = '''from dataclasses import dataclass


@dataclass
class Member:
    name: str
    points: float
    joined: str


def load() -> list[Member]:
    return [Member("Ana", 12.25, "2024-01-02"), Member("Ben", 30.0, "2023-05-06")]
'''
TESTS = '''from clubs.cli import main


def test_top(capsys):
    assert main(["top"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "1. Ben 30.0"


def test_names(capsys):
    assert main(["names"]) == 0
    assert capsys.readouterr().out.split() == ["Ana", "Ben"]
'''
TOP = "`clubs top --json` for the website: a JSON list, one object per member with name and points (1 decimal)"
TOP_ANSWER = {
    "fields": [{"key": "name", "value": "member.name"}, {"key": "points", "value": "round(member.points, 1)"}]
}
NAMES = "add `--json` to `clubs names`: a JSON list with each member's name and joined date"
NAMES_ANSWER = {"fields": [{"key": "name", "value": "member.name"}, {"key": "joined", "value": "member.joined"}]}

needs_sandbox = pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")


class Answers:
    """Plays the model: each call returns the next prepared JSON answer."""

    def __init__(self, workspace: Workspace, title: str, answers: list[Any]) -> None:
        self.workspace = workspace
        self.item = item(title)
        self.answers = list(answers)
        self.requests: list[ChatRequest] = []
        self.first_moves = True
        self.max_tool_calls = 3

    def call(self, request: ChatRequest) -> ChatResponse:
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else "DONE"
        return ChatResponse(text=answer if isinstance(answer, str) else json.dumps(answer))

    def tool(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        return self.workspace.call(name, arguments)


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    root = isolated_home / "ws"
    (root / "clubs").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "clubs" / "__init__.py").write_text("", "utf-8")
    (root / "clubs" / "__main__.py").write_text("import sys\n\nfrom clubs.cli import main\n\nsys.exit(main())\n")
    (root / "clubs" / "cli.py").write_text(CLI, "utf-8")
    (root / "clubs" / "members.py").write_text(MEMBERS, "utf-8")
    (root / "tests" / "test_cli.py").write_text(TESTS, "utf-8")
    return Workspace(load_config(write_config(WORKSPACE_TOOLS)))


def clubs(root: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "clubs", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.mark.parametrize(
    ("title", "answer", "expected"),
    [
        (TOP, TOP_ANSWER, [{"name": "Ben", "points": 30.0}, {"name": "Ana", "points": 12.2}]),
        # a handler not given the parsed arguments: an `as_json` parameter, passed where it is called
        (NAMES, NAMES_ANSWER, [{"name": "Ana", "joined": "2024-01-02"}, {"name": "Ben", "joined": "2023-05-06"}]),
    ],
)
def test_the_option_prints_the_fields_the_model_named_and_the_plain_output_stays(
    ws: Workspace, title: str, answer: dict[str, Any], expected: list[dict[str, Any]]
) -> None:
    ctx = Answers(ws, title, [answer])
    found = json_option_writes(ctx, ws.root, title, title)
    assert found is not None
    path, content, summary, _ = found
    assert path == "clubs/cli.py" and "--json" in summary
    before = {command: clubs(ws.root, command) for command in ("top", "names")}
    (ws.root / path).write_text(content, "utf-8")
    command = "top" if title == TOP else "names"
    assert json.loads(clubs(ws.root, command, "--json")) == expected
    assert {command: clubs(ws.root, command) for command in ("top", "names")} == before
    assert "import json\n" in content and content.count("--json") == 1


def test_an_empty_list_prints_an_empty_json_list(ws: Workspace) -> None:
    """The branch goes before the "nobody yet" line: a script reading the JSON gets `[]`."""
    found = json_option_writes(Answers(ws, TOP, [TOP_ANSWER]), ws.root, TOP, TOP)
    assert found is not None
    (ws.root / found[0]).write_text(found[1], "utf-8")
    assert json.loads(clubs(ws.root, "top", "--json", "--min", "99")) == []


def test_an_option_written_without_quotes_and_one_the_command_has_are_the_move(ws: Workspace) -> None:
    """heldout15 leaderboard-json (Qwen, blind, a705332): "give `clubrides leaderboard` a --json flag
    (riders with their rank + points). has to work together with --month" — no option in backticks,
    so the move was not made; the general loop changed nothing. `--min` is the command's own."""
    title = "give `clubs top` a --json flag (members with their name + points). has to work together with --min"
    found = json_option_writes(Answers(ws, title, [TOP_ANSWER]), ws.root, title, title)
    assert found is not None
    (ws.root / found[0]).write_text(found[1], "utf-8")
    assert json.loads(clubs(ws.root, "top", "--json", "--min", "20")) == [{"name": "Ben", "points": 30.0}]
    another = "give `clubs top` a --json flag and a --limit N"  # a second new option: the model's
    assert json_option_writes(Answers(ws, another, [TOP_ANSWER]), ws.root, another, another) is None


def test_a_sub_command_written_bare_before_the_option_is_the_command(ws: Workspace) -> None:
    """heldout20 sessions-json (Qwen, blind, 99916f3): "sessions --json please, for my spreadsheet: a
    list with date, tops, …" quotes no command, so neither the move nor the run of the option was
    made; the general loop wrote a new main.py. The project's one program has a `sessions` command."""
    from agentrunner.agent.cli_runs import item_command

    title = "top --json please, for my spreadsheet: a list with name and points for each member"
    assert item_command(ws.root, title) == ("clubs", ["top"])
    found = json_option_writes(Answers(ws, title, [TOP_ANSWER]), ws.root, title, title)
    assert found is not None
    (ws.root / found[0]).write_text(found[1], "utf-8")
    expected = [{"name": "Ben", "points": 30.0}, {"name": "Ana", "points": 12.2}]
    assert json.loads(clubs(ws.root, "top", "--json")) == expected
    for unread in ("the top of the list --json", "top --json and names --json", "--json for top"):
        assert item_command(ws.root, unread) is None, unread


@pytest.mark.parametrize(
    ("title", "answer"),
    [
        (TOP, {"fields": [{"key": "name", "value": "player.name"}]}),  # a name the loop does not have
        (TOP, {"fields": [{"key": "name", "value": "member.name +"}]}),  # no expression
        (TOP, "not JSON"),
        ("`clubs top --limit N` to show the first N", TOP_ANSWER),  # not a --json option
        ("a `--json` option for the report", TOP_ANSWER),  # no command quoted
    ],
)
def test_what_it_cannot_read_leaves_the_item_to_the_model(ws: Workspace, title: str, answer: Any) -> None:
    assert json_option_writes(Answers(ws, title, [answer]), ws.root, title, title) is None


@needs_sandbox
def test_the_move_is_gated_like_the_models_change_and_done_without_a_turn(ws: Workspace) -> None:
    ctx = Answers(ws, TOP, [TOP_ANSWER])
    result = run_loop(ctx, TOP, [], [], 512)
    assert result.error is None and len(ctx.requests) == 1  # the fields question only
    assert json.loads(clubs(ws.root, "top", "--json"))[0] == {"name": "Ben", "points": 30.0}


@needs_sandbox
def test_fields_the_command_cannot_print_are_asked_again_with_what_it_said(ws: Workspace) -> None:
    """heldout17 rent-json (Qwen, session 20): the move was made with a field holding the `Plot`
    object itself; `json` could not encode it, and only the graph's `runs` check, after the loop,
    saw the crash. The gate runs the option now, and the move asks the fields again, told why."""
    whole = {"fields": [{"key": "name", "value": "member"}, {"key": "points", "value": "round(member.points, 1)"}]}
    ctx = Answers(ws, TOP, [whole, TOP_ANSWER])
    result = run_loop(ctx, TOP, [], [], 512)
    told = ctx.requests[1].messages[-1].content
    assert told.startswith("Your fields were written into the command and it ran with --json: `python -m clubs top")
    assert "TypeError: Object of type Member is not JSON serializable" in told
    assert result.error is None and len(ctx.requests) == 2
    assert json.loads(clubs(ws.root, "top", "--json"))[0] == {"name": "Ben", "points": 30.0}


def test_a_field_the_item_lists_and_the_answer_lacks_is_asked_again_once(ws: Workspace) -> None:
    """The gate's JSON check (agent/cli_runs.py) would refuse objects without a field the item
    lists: the model is told which, once; still missing, the item is the model's as before."""
    short = {"fields": [{"key": "name", "value": "member.name"}]}
    ctx = Answers(ws, TOP, [short, TOP_ANSWER])
    assert json_option_writes(ctx, ws.root, TOP, TOP) is not None
    assert "the task asks for points" in ctx.requests[1].messages[-1].content
    assert json_option_writes(Answers(ws, TOP, [short, short]), ws.root, TOP, TOP) is None


def test_a_field_asked_to_n_decimals_is_rounded(ws: Workspace) -> None:
    """heldout12 ratings-json (Qwen, ticked WRONG): "rating (1 decimal)" printed 1277.0728338430106.
    The model is told to round; the gate's JSON check refuses the output all the same."""
    unrounded = {"fields": [{"key": "name", "value": "member.name"}, {"key": "points", "value": "member.points"}]}
    ctx = Answers(ws, TOP, [unrounded, TOP_ANSWER])
    assert json_option_writes(ctx, ws.root, TOP, TOP) is not None
    assert "round(points's value, 1)" in ctx.requests[1].messages[-1].content
    told = "printed points 12.25, where the item asks for 1 decimal(s)"
    assert json_problem('[{"name": "Ana", "points": 12.25}]', TOP) == told
    assert json_problem('[{"name": "Ana", "points": 12.2}]', TOP) is None


TOTAL = (
    "`clubs total --json` for the treasurer's script: print one JSON object with the fields members and points "
    "instead of the text"
)
TOTAL_ANSWER = {"fields": [{"key": "members", "value": "len(members)"}, {"key": "points", "value": "points"}]}


def test_one_object_asked_is_one_object_of_the_functions_values(ws: Workspace) -> None:
    """heldout16 score-json (Qwen, blind, 47bb5bc, ticked WRONG): "print one JSON object with the
    fields qsos, dupes, points, multipliers and score" — the move wrote a list, one copy of the object
    per line the summary's loop prints. Asked for one object, the branch prints one, made from the
    function's own values (the loop's `label`, `value` are not offered), and the gate wants one."""
    ctx = Answers(ws, TOTAL, [{"fields": [{"key": "members", "value": "value"}]}, TOTAL_ANSWER])
    found = json_option_writes(ctx, ws.root, TOTAL, TOTAL)
    assert found is not None
    assert "not a Python expression over" in ctx.requests[1].messages[-1].content  # the loop's name refused
    (ws.root / found[0]).write_text(found[1], "utf-8")
    assert json.loads(clubs(ws.root, "total", "--json")) == {"members": 2, "points": 42.25}
    assert json.loads(clubs(ws.root, "total", "--min", "20", "--json")) == {"members": 1, "points": 30.0}
    assert clubs(ws.root, "total") == "members: 2\npoints: 42.25\n"
    assert "one JSON object" in found[2] and "JSON object instead" in found[1]
    told = "printed a JSON list, where the item asks for one JSON object (a dict with the fields as keys)"
    assert json_problem('[{"members": 2, "points": 42.25}]', TOTAL) == told
    assert json_problem('{"members": 2, "points": 42.25}', TOTAL) is None
    # heldout19 profile-json (seen re-run, ticked WRONG): "dtr a plain number (null if no first crack)"
    profile = 'one object per batch: batch, bean, dtr, verdict. dtr a plain number (null if no first crack)'
    row = '"batch": "R001", "bean": "Guji", "verdict": "ok"'
    assert json_problem(f'[{{{row}, "dtr": "19.2%"}}]', profile) == (
        'printed dtr "19.2%", where the item asks for a number'
    )
    assert json_problem(f'[{{{row}, "dtr": 19.2}}, {{{row}, "dtr": null}}]', profile) is None
    listed = 'with `tank`, `nitrate` and `percent` as plain numbers (not "35%")'
    assert json_problem('[{"tank": "Reef", "nitrate": 30, "percent": "35%"}]', listed) is not None
    assert json_problem('[{"tank": "Reef", "nitrate": 30, "percent": 35}]', listed) is None  # a name is a name
    many = "a JSON list, one object per member with name and points"
    assert json_problem('[{"name": "Ana", "points": 1}]', many) is None


def test_a_helper_named_with_the_commands_word_is_not_its_handler(ws: Workspace) -> None:
    """heldout17 rent-json (Qwen, blind, 2d2ff7f): `cmd_rent` beside `current_rent_year` — two
    functions with "rent" in their names, so no handler was found and the move was not made."""
    cli = ws.root / "clubs" / "cli.py"
    helper = "def top_score_of(members: list[Member]) -> float:\n    return max(m.points for m in members)\n\n\n"
    cli.write_text(cli.read_text("utf-8").replace("def cmd_top(", helper + "def cmd_top("), "utf-8")
    found = json_option_writes(Answers(ws, TOP, [TOP_ANSWER]), ws.root, TOP, TOP)
    assert found is not None
    (ws.root / found[0]).write_text(found[1], "utf-8")
    expected = [{"name": "Ben", "points": 30.0}, {"name": "Ana", "points": 12.2}]
    assert json.loads(clubs(ws.root, "top", "--json")) == expected


FALL_THROUGH = '''"""The clubs' command line, every command in `main`."""

from __future__ import annotations

import argparse

from clubs.members import load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clubs")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("names")
    top = commands.add_parser("top")
    top.add_argument("--min", type=int, default=0)
    args = parser.parse_args(argv)
    members = load()
    if args.command == "names":
        for member in members:
            print(member.name)
        return 0
    for member in sorted(members, key=lambda m: -m.points):
        if member.points >= args.min:
            print(f"{member.name} {member.points}")
    return 0
'''


def test_the_last_command_after_the_others_branches_is_its_handler(ws: Workspace) -> None:
    """heldout18 change-json (Qwen, blind, 8fee5b3): `main` returns from the `tanks` and `status`
    branches, and `change`'s loop follows at its top level; no branch tested "change", so the move
    was not made, and the model added an unused class. The branch goes right before that loop: one
    higher would read `args.json` for the other commands, whose parsers have no `--json`."""
    (ws.root / "clubs" / "cli.py").write_text(FALL_THROUGH, "utf-8")
    title = "`clubs top --json` for the website: a JSON list, one object per member with name and points"
    answer = {"fields": [{"key": "name", "value": "member.name"}, {"key": "points", "value": "member.points"}]}
    found = json_option_writes(Answers(ws, title, [answer]), ws.root, title, title)
    assert found is not None
    (ws.root / found.path).write_text(found.content, "utf-8")
    assert json.loads(clubs(ws.root, "top", "--json")) == [
        {"name": "Ben", "points": 30.0},
        {"name": "Ana", "points": 12.25},
    ]
    # the loop's own filter applies to the JSON too
    assert json.loads(clubs(ws.root, "top", "--json", "--min", "20")) == [{"name": "Ben", "points": 30.0}]
    assert clubs(ws.root, "names") == "Ana\nBen\n"
    assert clubs(ws.root, "top") == "Ben 30.0\nAna 12.25\n"


WORKED_OUT = CLI.replace(
    '''    for rank, member in enumerate(sorted(members, key=lambda m: -m.points), start=1):
        print(f"{rank}. {member.name} {member.points}")''',
    '''    for rank, member in enumerate(sorted(members, key=lambda m: -m.points), start=1):
        if member.points < 0:
            continue
        share = member.points / 42.25 * 100
        shown = f"{share:.0f}%"
        print(f"{rank}. {member.name} {member.points} {shown}")''',
)


def test_values_the_loop_works_out_before_it_prints_are_there_for_the_rows(ws: Workspace) -> None:
    """heldout19 profile-json (Qwen, blind, 1e4bba6): the loop works out `ratio` and `dtr` before it
    prints; the model's fields used them, and in a comprehension over the rows they did not exist
    (NameError). The rows are made by the same loop, its lines copied, its `continue` kept."""
    assert WORKED_OUT != CLI
    (ws.root / "clubs" / "cli.py").write_text(WORKED_OUT, "utf-8")
    (ws.root / "tests" / "test_cli.py").write_text(TESTS.replace("1. Ben 30.0", "1. Ben 30.0 71%"), "utf-8")
    title = "`clubs top --json`: a JSON list, one object per member with name and share (a plain number)"
    answer = {"fields": [{"key": "name", "value": "member.name"}, {"key": "share", "value": "round(share, 1)"}]}
    ctx = Answers(ws, title, [answer])
    found = json_option_writes(ctx, ws.root, title, title)
    assert found is not None
    assert "share" in ctx.requests[0].messages[0].content.split("variables (")[1].split(")")[0]  # offered
    (ws.root / found.path).write_text(found.content, "utf-8")
    rows = json.loads(clubs(ws.root, "top", "--json"))
    assert rows == [{"name": "Ben", "share": 71.0}, {"name": "Ana", "share": 29.0}]
    assert clubs(ws.root, "top") == "1. Ben 30.0 71%\n2. Ana 12.25 29%\n"
