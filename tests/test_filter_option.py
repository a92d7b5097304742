"""The filter option move (agent/filter_option.py): an option taking a field the way the data spells
it, written by code through the project's own reader of those spellings (issue 12: Qwen got none of
the four held-out filter chores right). No model here: the project, its tests and the command run
for real."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.filter_option import filter_option_writes
from agentrunner.agent.loop import run_loop
from agentrunner.config import load_config
from agentrunner.sandbox import sandbox_status
from agentrunner.tools import Workspace
from tests.conftest import WORKSPACE_TOOLS
from tests.support.recipe_context import FirstMoveContext

PASSAGES = '''"""Passages from the logbook CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

RIGS = {"sail": "sail", "s": "sail", "under sail": "sail", "motor": "motor", "engine": "motor", "m": "motor",
        "motorsail": "motorsail", "ms": "motorsail", "motor-sailing": "motorsail"}


@dataclass
class Passage:
    day: date
    route: str
    rig: str


def parse_rig(text: str) -> str:
    """sail, motor or motorsail, however the log spells it."""
    try:
        return RIGS[" ".join(text.lower().split())]
    except KeyError:
        raise ValueError(f"unknown rig: {text!r}") from None


def load_passages(path: str) -> list[Passage]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            Passage(date.fromisoformat(row["date"]), row["route"], rig=parse_rig(row["rig"]))
            for row in csv.DictReader(handle)
        ]
'''
CLI = '''"""The command line."""

from __future__ import annotations

import argparse
from datetime import date

from boatlog.passages import Passage, load_passages


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boatlog")
    parser.add_argument("--file", default="data/log.csv")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="one line per passage")
    log.add_argument("--since", type=date.fromisoformat, help="only passages on or after this day")
    commands.add_parser("count", help="how many passages")
    return parser


def cmd_log(args: argparse.Namespace, passages: list[Passage]) -> int:
    for p in passages:
        if args.since is not None and p.day < args.since:
            continue
        print(f"{p.day.isoformat()}  {p.route:<12} {p.rig}")
    return 0


def cmd_count(args: argparse.Namespace, passages: list[Passage]) -> int:
    print(len(passages))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    passages = load_passages(args.file)
    return {"log": cmd_log, "count": cmd_count}[args.command](args, passages)
'''
# the same command written the other way: unannotated, relative imports, the filter a comprehension
# before the loop (heldout24 kilnlog, heldout26 filmlog)
CLI_PLAIN = '''import argparse
from datetime import date

from .passages import load_passages


def build_parser():
    parser = argparse.ArgumentParser(prog="boatlog")
    parser.add_argument("--file", default="data/log.csv")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="one line per passage")
    log.add_argument("--since", type=date.fromisoformat)
    return parser


def cmd_log(args, passages):
    if args.since:
        passages = [p for p in passages if p.day >= args.since]
    for p in passages:
        print(f"{p.day.isoformat()}  {p.route:<12} {p.rig}")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    handlers = {"log": cmd_log}
    return handlers[args.command](args, load_passages(args.file))
'''
DATA = """date,route,rig
2026-05-01,Hamble-Cowes,S
2026-05-03,Cowes-Yarmouth,engine
2026-05-09,Yarmouth-Poole,motor-sailing
2026-05-20,Poole-Weymouth,under sail
2026-06-02,Weymouth-Hamble,M
"""
TESTS = '''from boatlog.cli import main


def test_log(capsys):
    assert main(["--file", "data/log.csv", "log"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
'''
ITEM = (
    "`boatlog log --rig sail` (or motor, or motorsail) to list only the passages made that way\n"
    'I write "engine", "S", "motor-sailing" and so on in the log, so the option should take those spellings '
    "too. It has to work alongside --since."
)

needs_sandbox = pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")


def project(root: Path, cli: str = CLI, passages: str = PASSAGES) -> Path:
    (root / "boatlog").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "data").mkdir()
    (root / "boatlog" / "__init__.py").write_text("", "utf-8")
    (root / "boatlog" / "__main__.py").write_text("import sys\n\nfrom boatlog.cli import main\n\nsys.exit(main())\n")
    (root / "boatlog" / "cli.py").write_text(cli, "utf-8")
    (root / "boatlog" / "passages.py").write_text(passages, "utf-8")
    (root / "data" / "log.csv").write_text(DATA, "utf-8")
    (root / "tests" / "test_cli.py").write_text(TESTS, "utf-8")
    return root


def boatlog(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "boatlog", *args], cwd=root, capture_output=True, text=True)


def routes(root: Path, *args: str) -> list[str]:
    done = boatlog(root, "log", *args)
    assert done.returncode == 0, done.stderr
    return [line.split()[1] for line in done.stdout.splitlines()]


@pytest.mark.parametrize("cli", [CLI, CLI_PLAIN], ids=["annotated", "plain"])
def test_the_option_lists_the_entries_of_any_spelling_and_keeps_the_plain_command(tmp_path: Path, cli: str) -> None:
    root = project(tmp_path, cli)
    plain = boatlog(root, "log").stdout
    move = filter_option_writes(root, ITEM.splitlines()[0], ITEM)
    assert move is not None and move.path == "boatlog/cli.py"
    assert "parse_rig" in move.summary
    (root / move.path).write_text(move.content, "utf-8")
    assert boatlog(root, "log").stdout == plain
    assert routes(root, "--rig", "sail") == ["Hamble-Cowes", "Poole-Weymouth"]
    assert routes(root, "--rig", "engine") == ["Cowes-Yarmouth", "Weymouth-Hamble"]
    assert routes(root, "--rig", "MS") == ["Yarmouth-Poole"]
    assert routes(root, "--since", "2026-05-10", "--rig", "Under  Sail") == ["Poole-Weymouth"]
    unknown = boatlog(root, "log", "--rig", "rowing")
    assert unknown.returncode == 2 and "unknown rig: 'rowing'" in unknown.stderr.splitlines()[-1]
    # the reader is imported as the module imports its other names
    expected = "from .passages import load_passages, parse_rig" if cli == CLI_PLAIN else (
        "from boatlog.passages import Passage, load_passages, parse_rig"
    )
    assert expected in move.content
    annotated = "def _rig_value(text: str) -> str:" in move.content
    assert annotated == (cli == CLI)


def test_a_command_that_counts_its_list_after_the_loop_gets_the_list_filtered(tmp_path: Path) -> None:
    """heldout34 list-weight-filter (Qwen, blind, 7cb81be): `cmd_list` filters `--fibre` by rebinding
    the list and prints `f"{len(yarns)} yarns"` after its loop; the move's `continue` guard printed
    six yarns under "15 yarns", ticked WRONG. The list itself is filtered, after the other option's."""
    counting = CLI_PLAIN.replace(
        "{p.rig}\")\n    return 0", "{p.rig}\")\n    print(f\"{len(passages)} passages\")\n    return 0"
    )
    assert counting != CLI_PLAIN
    root = project(tmp_path, counting)
    move = filter_option_writes(root, ITEM.splitlines()[0], ITEM)
    assert move is not None
    (root / move.path).write_text(move.content, "utf-8")
    done = boatlog(root, "log", "--rig", "sail")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "2 passages", done.stdout
    assert "passages = [p for p in passages if p.rig == args.rig]" in move.content
    assert boatlog(root, "log", "--since", "2026-05-10", "--rig", "sail").stdout.splitlines()[-1] == "1 passages"


@pytest.mark.parametrize(
    "title",
    [
        "`boatlog log --rig` to print the rig column in colour",  # no filter asked
        "`boatlog log --rig sail --limit N` to list only the first N sailed passages",  # two new options
        "`boatlog log --json` to list only the passages as JSON",
        "`boatlog count --rig sail` to count only those",  # a command with no printing loop
        "a --rig option to list only the passages made that way",  # no command
    ],
)
def test_what_it_cannot_do_is_the_models(tmp_path: Path, title: str) -> None:
    assert filter_option_writes(project(tmp_path), title, title) is None


def test_a_field_the_project_reads_without_a_reader_of_its_spellings_is_the_models(tmp_path: Path) -> None:
    """heldout26 rolls-developer-filter: the developers were stored as typed; the item asks for the
    matching rule itself, so there is nothing to read the option's value with."""
    root = project(tmp_path, passages=PASSAGES.replace('rig=parse_rig(row["rig"])', 'rig=row["rig"].strip()'))
    assert filter_option_writes(root, ITEM, ITEM) is None


def test_a_reader_in_the_fields_place_of_the_records_constructor_is_the_fields_reader(tmp_path: Path) -> None:
    """heldout39 log-meter-filter (Qwen, blind, 0d211fa, ticked WRONG): the loader built each record
    positionally, `Reading(parse_date(…), normalise_meter(row["meter"]), …)`; no reader was found, the
    case-folded filter was taken, and `--meter "rain barrel"` listed nothing (the log's `barrel`)."""
    positional = PASSAGES.replace(
        'Passage(date.fromisoformat(row["date"]), row["route"], rig=parse_rig(row["rig"]))',
        'Passage(date.fromisoformat(row["date"]), row["route"], parse_rig(row["rig"]))',
    )
    assert positional != PASSAGES
    root = project(tmp_path, passages=positional)
    title = 'add `--rig` to `boatlog log` so I can see just one rig\'s passages (e.g. `log --rig "engine"`)'
    move = filter_option_writes(root, title, title + "\nshould take the names the way I write them in the CSV")
    assert move is not None and "parse_rig" in move.summary
    (root / move.path).write_text(move.content, "utf-8")
    assert routes(root, "--rig", "engine") == ["Cowes-Yarmouth", "Weymouth-Hamble"]


def test_one_value_at_a_time_is_a_filters_wording(tmp_path: Path) -> None:
    """heldout36 packets-crop-filter: "`seedbox packets --crop X` to see one crop at a time"."""
    title = "`boatlog log --rig X` to see one rig at a time"
    move = filter_option_writes(project(tmp_path), title, title + "\nthe way I write it: `S`, `engine`")
    assert move is not None and "parse_rig" in move.summary


def test_a_text_field_spelled_in_other_cases_is_filtered_case_folded(tmp_path: Path) -> None:
    """heldout35 finds-spot-option (Qwen, blind, 820f84d): spots are stored as typed, the item lists
    one spot in three cases ("they're the same place") and words the filter "so I can see everything
    from one place"; there is no reader to take, the model's option matched the exact text."""
    root = project(tmp_path, CLI_PLAIN)
    with (root / "data" / "log.csv").open("a", encoding="utf-8") as log:
        log.write("2026-06-10,HAMBLE-COWES,S\n2026-06-12,hamble-cowes ,engine\n")
    title = "add a --route option to `boatlog log` so I can see everything from one route"
    text = title + "\nroutes are typed all sorts of ways (Hamble-Cowes / hamble-cowes / HAMBLE-COWES), the same route"
    plain = boatlog(root, "log").stdout
    move = filter_option_writes(root, title, text)
    assert move is not None and "in any case and spacing" in move.summary
    (root / move.path).write_text(move.content, "utf-8")
    assert boatlog(root, "log").stdout == plain
    assert routes(root, "--route", "hamble-cowes") == ["Hamble-Cowes", "HAMBLE-COWES", "hamble-cowes"]
    assert routes(root, "--since", "2026-06-11", "--route", "Hamble-Cowes") == ["hamble-cowes"]
    assert routes(root, "--route", "Nowhere") == []
    # spellings of one value that differ by more than case ask for a rule of matching: the model's
    other = title + "\nroutes are typed all sorts of ways (Hamble-Cowes / Cowes-Yarmouth)"
    assert filter_option_writes(root, title, other) is None


@needs_sandbox
def test_the_move_is_gated_like_the_models_change_and_done_without_a_call(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    project(isolated_home / "ws")
    workspace = Workspace(load_config(write_config(WORKSPACE_TOOLS)))
    ctx = FirstMoveContext(workspace, ITEM.splitlines()[0], "\n".join(ITEM.splitlines()[1:]))
    result = run_loop(ctx, ITEM.splitlines()[0], [], [], 512)
    assert result.error is None and ctx.requests == []
    assert routes(workspace.root, "--rig", "S") == ["Hamble-Cowes", "Poole-Weymouth"]


def test_a_command_quoted_from_its_sub_command_and_a_parser_below_the_handler(tmp_path: Path) -> None:
    """heldout29 log-guitar-filter (Qwen, blind, 177ca5f): "`log --guitar X` to see one guitar's
    changes" quoted no program (so no command was read), "one guitar's" was no filter word, and
    the parser was built below the handlers; the model never changed cli.py."""
    start, end = CLI.index("def cmd_log("), CLI.index("def cmd_count(")
    handler_first = CLI[:CLI.index("def build_parser(")] + CLI[start:end] + CLI[CLI.index("def build_parser("):start]
    handler_first += CLI[end:]
    root = project(tmp_path, handler_first)
    title = "`log --rig X` to see one rig's passages. Has to cope with how I write it — `S`, `engine`, `MS`"
    move = filter_option_writes(root, title, title + "\nshould combine with --since")
    assert move is not None and "`boatlog log --rig X`" in move.summary
    (root / move.path).write_text(move.content, "utf-8")
    assert routes(root, "--rig", "engine") == ["Cowes-Yarmouth", "Weymouth-Hamble"]
    assert routes(root, "--since", "2026-05-10", "--rig", "s") == ["Poole-Weymouth"]


def test_an_option_named_by_a_shortening_of_the_field_the_item_writes_out(tmp_path: Path) -> None:
    """heldout42 jars-veg-filter (Qwen, blind, c431712): "add `--veg` to `brinelog jars` so I can see one
    vegetable's jars" — no record field is called `veg`, so no move was made, and the model's option
    failed the tests. The field the option's name shortens, written out in the item, is the one."""
    renamed = PASSAGES.replace("rig: str", "rigging: str").replace("rig=parse_rig", "rigging=parse_rig")
    cli = CLI_PLAIN.replace("{p.rig}", "{p.rigging}")
    root = project(tmp_path, cli, renamed)
    title = "add `--rig` to `boatlog log` so I can see one rigging's passages, e.g. `log --rig engine`"
    move = filter_option_writes(root, title, title + "\nthe way I write it in the log (S, MS, ...)")
    assert move is not None and "parse_rig" in move.summary and "rigging" in move.summary
    (root / move.path).write_text(move.content, "utf-8")
    assert routes(root, "--rig", "engine") == ["Cowes-Yarmouth", "Weymouth-Hamble"]
    # a shortening the item never writes out is no field's
    unnamed = "add `--rig` to `boatlog log` so I can see one kind's passages, e.g. `log --rig engine`"
    assert filter_option_writes(root, unnamed, unnamed) is None


def test_the_list_is_filtered_before_what_the_command_does_with_it_ahead_of_its_loop(tmp_path: Path) -> None:
    """heldout42 jars-veg-filter: `cmd_jars` filters `--since` and `--status` by rebinding the list,
    then prints "no jars" when it is empty, then loops. Put above the loop, the new filter left a
    vegetable with no jars printing nothing; it goes after the other filters."""
    empty = CLI_PLAIN.replace(
        "    for p in passages:\n", '    if not passages:\n        print("no passages")\n    for p in passages:\n'
    )
    assert empty != CLI_PLAIN
    root = project(tmp_path, empty)
    move = filter_option_writes(root, ITEM.splitlines()[0], ITEM)
    assert move is not None
    (root / move.path).write_text(move.content, "utf-8")
    done = boatlog(root, "log", "--since", "2026-05-21", "--rig", "sail")
    assert done.returncode == 0 and done.stdout == "no passages\n", done.stdout
    assert routes(root, "--rig", "MS") == ["Yarmouth-Poole"]


GAMES = '''from __future__ import annotations

import csv
from dataclasses import dataclass


@dataclass
class Game:
    day: str
    player: str
    opponent: str


def clean_name(text: str) -> str:
    return " ".join(text.split()).title()


def load_games(path: str) -> list[Game]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            Game(row["day"], player=clean_name(row["player"]), opponent=clean_name(row["opponent"]))
            for row in csv.DictReader(handle)
        ]
'''
GAMES_CLI = '''import argparse

from boatlog.passages import load_games


def build_parser():
    parser = argparse.ArgumentParser(prog="boatlog")
    parser.add_argument("--file", default="data/log.csv")
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="one line per game")
    log.add_argument("--since")
    return parser


def cmd_log(args, games):
    for g in games:
        print(f"{g.day} {g.player} v {g.opponent}")
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    return {"log": cmd_log}[args.command](args, load_games(args.file))
'''


@pytest.mark.parametrize(
    ("context", "days"),
    [
        ("whether they booked the court or were the opponent", ["d1", "d3"]),
        ("either as the player or as the opponent", ["d1", "d3"]),
        ("only the games they booked, not the ones as the opponent", None),
    ],
)
def test_another_field_read_alike_named_as_an_alternative_is_matched_too(
    tmp_path: Path, context: str, days: list[str] | None
) -> None:
    """heldout44 bookings-member-filter (Qwen, blind, e64ad7b): "just the bookings that person played
    in, whether they booked the court or were the opponent" — the move compared the booker's field
    alone (`clean_name` reads both), printed 4 of Tom's 8 bookings and was ticked WRONG."""
    root = project(tmp_path, GAMES_CLI, GAMES)
    log = "day,player,opponent\nd1,ann lee,Bo Day\nd2,Bo Day,cy  fox\nd3,Cy Fox,ANN LEE\n"
    (root / "data" / "log.csv").write_text(log, "utf-8")
    (root / "tests" / "test_cli.py").write_text("def test_nothing():\n    pass\n")
    title = f"add `--player NAME` to `boatlog log`: just the games that person played in, {context}"
    move = filter_option_writes(root, title, title)
    if days is None:
        assert move is None
        return
    assert move is not None and "player or opponent" in move.summary
    (root / move.path).write_text(move.content, "utf-8")
    done = boatlog(root, "log", "--player", "ANN  lee")
    assert done.returncode == 0, done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()] == days


def test_a_sub_command_parser_made_as_a_bare_statement_gets_a_name_and_the_option(tmp_path: Path) -> None:
    """heldout47 batches-product-filter (Qwen, blind, c94b786): `commands.add_parser("batches", …)` was
    a statement of its own (the command had no option yet), so the move had no parser to add to; the
    model's call then ran past the 900 s limit. The parser is named, `batches_parser = …`."""
    bare = CLI.replace(
        '    log = commands.add_parser("log", help="one line per passage")\n'
        '    log.add_argument("--since", type=date.fromisoformat, help="only passages on or after this day")\n',
        '    commands.add_parser("log", help="one line per passage")\n',
    ).replace("        if args.since is not None and p.day < args.since:\n            continue\n", "")
    assert "log = " not in bare
    root = project(tmp_path, bare)
    title = "`boatlog log --rig X` so I can list just one rig — X written the way I write it (S, engine, ...)"
    move = filter_option_writes(root, title, title)
    assert move is not None
    assert 'log_parser = commands.add_parser("log", help="one line per passage")' in move.content
    (root / move.path).write_text(move.content, "utf-8")
    assert routes(root, "--rig", "engine") == ["Cowes-Yarmouth", "Weymouth-Hamble"]
