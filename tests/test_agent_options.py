"""An item that adds a command-line option: the plan the model is shown (agent/options.py) and the
check that the option is read, with a scripted model (tests/test_agent_loop.py's ScriptedContext)."""

from __future__ import annotations

from agentrunner.agent.journal import FileChange
from agentrunner.agent.loop import run_loop
from agentrunner.agent.options import asked_options, option_choices, option_steps, unread_option_problem
from agentrunner.tools import Workspace
from tests.test_agent_loop import ScriptedContext
from tests.test_agent_loop import ws as ws  # the fixture, shared

CLI = '''"""The ``tally`` command."""

from __future__ import annotations

import argparse
import sys

from .stats import mean, top


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tally")
    commands = parser.add_subparsers(dest="command", required=True)

    average = commands.add_parser("average", help="the mean of the numbers")
    average.add_argument("numbers", type=float, nargs="+")

    best = commands.add_parser("best", help="the largest number")
    best.add_argument("numbers", type=float, nargs="+")
    best.add_argument("--scale", type=float, default=1.0, help="multiply by this")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "average":
        value = mean(args.numbers)
    else:
        # TODO: refuse a --scale of 0
        value = top(args.numbers) * args.scale
    print(value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

BUILDER_WITH_JSON = '''def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tally")
    commands = parser.add_subparsers(dest="command", required=True)

    average = commands.add_parser("average", help="the mean of the numbers")
    average.add_argument("numbers", type=float, nargs="+")
    average.add_argument("--json", action="store_true", help="json")

    best = commands.add_parser("best", help="the largest number")
    best.add_argument("numbers", type=float, nargs="+")
    best.add_argument("--scale", type=float, default=1.0, help="multiply by this")
    return parser
'''

MAIN_WITH_JSON = '''import json

def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "average":
        value = mean(args.numbers)
        if args.json:
            print(json.dumps({"mean": value}))
            return 0
    else:
        # TODO: refuse a --scale of 0
        value = top(args.numbers) * args.scale
    print(value)
    return 0
'''

JSON_ITEM = "Add a `--json` flag to `tally average`"


def _with_cli(ws: Workspace) -> Workspace:
    (ws.root / "pkg" / "cli.py").write_text(CLI, "utf-8")
    return ws


def test_the_options_an_item_quotes() -> None:
    assert asked_options("Add `--limit N` to `tool list`, like `--weeks`; `--dry-run`") == [
        ("--limit", "N"), ("--weeks", None), ("--dry-run", None)
    ]  # fmt: skip
    # heldout15 leaderboard-json: options written without backticks (a value only when a placeholder follows)
    item = "give `clubrides leaderboard` a --json flag (riders with rank). has to work together with --month"
    assert asked_options(item) == [("--json", None), ("--month", None)]
    limit = "add --limit N to the list command, and a --dry-run"
    assert asked_options(limit) == [("--limit", "N"), ("--dry-run", None)]
    both = "pip install --upgrade-strategy; `x --json`"
    assert asked_options(both) == [("--json", None), ("--upgrade-strategy", None)]


def test_an_option_the_context_quotes_with_values_takes_one_of_them(ws: Workspace) -> None:
    """Held-out report-sort-option (session 11): the title quoted a bare `--sort`, the context
    `--sort name` and `--sort percent`; the plan's line said store_true, Qwen copied it, and
    `report --sort name` exited 2."""
    item = "Add `--sort` to `tally best`\n`--sort value` largest first, `--sort input` as given."
    assert asked_options(item) == [("--sort", "value")]
    assert option_choices(item, "--sort") == ["value", "input"]
    assert option_choices("Add `--limit N`; `--limit 5` shows five", "--limit") == []  # a placeholder
    _with_cli(ws)
    steps = option_steps(ws.root, "pkg/cli.py", CLI, "Add `--sort` to `tally best`", item)
    assert 'best.add_argument("--sort", choices=["value", "input"], default=None, help="sort")' in steps
    assert "store_true" not in steps


def test_a_new_option_is_shown_as_the_builder_with_its_line_and_where_main_uses_it(ws: Workspace) -> None:
    """Chores cli-json-flag and cli-limit-option, Qwen2.5-Coder-1.5B, sessions 4-7: shown only the
    module, it changed the helper the command calls or wrote a new function, never the parser."""
    _with_cli(ws)
    ctx = ScriptedContext(ws, ["DONE"], "Add `--top N` to `tally best`: show only the N largest")
    run_loop(ctx, ctx.item.title, [], [], 512)
    prompt = ctx.requests[0].messages[3].content
    assert "pkg/cli.py (line numbers" in prompt
    plan = prompt[prompt.index("Steps for `--top` in pkg/cli.py:") :]
    added = '    best.add_argument("--top", type=int, default=None, metavar="N", help="show only the N largest")'
    # the complete builder to copy, with the line after the command's last argument
    assert f'help="multiply by this")\n{added}\n    return parser\n```' in plan
    assert "2. In `main`, use `args.top` in these lines, which make the `best` output (`args.top` exists only" in plan
    assert "value = top(args.numbers) * args.scale" in plan and "TODO" not in plan  # the branch, not its comment
    assert "Add no new function." in plan and plan.rstrip().endswith("Write your actions now.")
    # what that branch calls, from the project module it is imported from, before the steps
    assert "`top` (pkg/stats.py), which `main` calls for this command:\ndef top(values):" in prompt
    assert prompt.index("def top(values):") < prompt.index("Steps for")


def test_an_option_the_parser_has_is_shown_where_it_is_read(ws: Workspace) -> None:
    _with_cli(ws)
    ctx = ScriptedContext(ws, ["DONE"], "Resolve the TODO in `pkg/cli.py`: refuse a `--scale` of 0")
    run_loop(ctx, ctx.item.title, [], ["pkg/cli.py"], 512)
    prompt = ctx.requests[0].messages[3].content
    assert "`--scale` is read in `main` (pkg/cli.py) as `args.scale`, here:" in prompt
    assert "# TODO: refuse a --scale of 0" in prompt.split("as `args.scale`, here:")[1]
    assert "add_argument(\"--scale\", type=float, default=None" not in prompt and "Steps for" not in prompt


def test_no_plan_without_a_parser_or_an_option(ws: Workspace) -> None:
    _with_cli(ws)
    assert option_steps(ws.root, "pkg/stats.py", (ws.root / "pkg/stats.py").read_text(), JSON_ITEM, JSON_ITEM) == ""
    assert option_steps(ws.root, "pkg/cli.py", CLI, "Document `main`", "Document `main`") == ""


def test_an_added_option_nothing_reads_is_not_done_until_main_uses_it(ws: Workspace) -> None:
    """Shown the builder with the new line, a small model may write just that and say DONE: the
    tests still pass, and the item would be ticked with the flag doing nothing."""
    _with_cli(ws)
    replies = [
        f"pkg/cli.py\n```python\n{BUILDER_WITH_JSON}```\nDONE added --json",
        f"pkg/cli.py\n```python\n{MAIN_WITH_JSON}```\nDONE main prints JSON",
    ]
    ctx = ScriptedContext(ws, replies, JSON_ITEM)
    result = run_loop(ctx, ctx.item.title, [], [], 512)
    told = ctx.requests[1].messages[-1].content
    assert "`--json` is added to the parser in pkg/cli.py, but nothing reads `args.json`" in told
    assert result.error is None and len(ctx.requests) == 2
    text = (ws.root / "pkg" / "cli.py").read_text("utf-8")
    assert '"--json", action="store_true"' in text and "if args.json:" in text and "import json" in text


def test_unread_option_problem_reads_the_changed_files() -> None:
    before = CLI.encode()
    flag_only = CLI.replace(
        '    best = commands', '    average.add_argument("--json", action="store_true")\n\n    best = commands'
    )
    assert unread_option_problem([FileChange("pkg/cli.py", before, flag_only.encode())], JSON_ITEM)
    used = flag_only.replace("    print(value)", "    print({'v': value} if args.json else value)")
    assert unread_option_problem([FileChange("pkg/cli.py", before, used.encode())], JSON_ITEM) is None
    # an option that was there before is not this item's to check
    assert unread_option_problem([FileChange("pkg/cli.py", flag_only.encode(), flag_only.encode())], JSON_ITEM) is None
    # read only to do the same either way (held-out cli-billable-only, Qwen on 616f72a: ticked)
    both = "    if args.json:\n        print(value)\n    else:\n        print(value)"
    same = flag_only.replace("    print(value)", both)
    problem = unread_option_problem([FileChange("pkg/cli.py", before, same.encode())], JSON_ITEM)
    assert problem and "`args.json` is read, but both ways do the same thing" in problem
    passed = flag_only.replace("    print(value)", "    if args.json:\n        pass\n    print(value)")
    assert unread_option_problem([FileChange("pkg/cli.py", before, passed.encode())], JSON_ITEM)
    ternary = flag_only.replace("    print(value)", "    print(value if args.json else value)")
    assert unread_option_problem([FileChange("pkg/cli.py", before, ternary.encode())], JSON_ITEM)


MAIN_WITHOUT_TODO = '''def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "average":
        value = mean(args.numbers)
    else:
        value = top(args.numbers) * args.scale
    print(value)
    return 0
'''


def test_a_todo_left_out_with_no_code_changed_is_refused_with_where_the_code_goes(ws: Workspace) -> None:
    """Chore weeks-warning, Qwen2.5-Coder-1.5B, session 6: asked to resolve a TODO, it wrote `main`
    again without the comment; merged by name that was "already so", it was told "no file changed"
    and wrote the same again."""
    _with_cli(ws)
    resolved = MAIN_WITHOUT_TODO.replace(
        "        value = top", "        if args.scale == 0:\n            return 2\n        value = top"
    )
    replies = [
        f"pkg/cli.py\n```python\n{MAIN_WITHOUT_TODO}```\nDONE resolved the TODO",
        f"pkg/cli.py\n```python\n{resolved}```\nDONE refuses a scale of 0",
    ]
    ctx = ScriptedContext(ws, replies, "Resolve the TODO in `pkg/cli.py`: refuse a `--scale` of 0")
    result = run_loop(ctx, ctx.item.title, [], ["pkg/cli.py"], 512)
    told = ctx.requests[1].messages[-1].content
    assert "the block only leaves out the comment `# TODO: refuse a --scale of 0` (line 29 of pkg/cli.py)" in told
    assert "the complete new `main`, with that code where the comment was" in told
    assert result.error is None and "if args.scale == 0:" in (ws.root / "pkg" / "cli.py").read_text("utf-8")


def test_a_sub_command_named_like_the_option_is_no_read_of_it() -> None:
    """heldout21 feeds-flour-filter (Qwen, blind, 3a9ebd1, ticked WRONG): `--flour` was added to
    `feeds` with `choices=["rye", "ww"]` and read nowhere — but the CLI has a `flour` sub-command,
    and `add_parser("flour")` counted as reading it."""
    before = (
        "import argparse\n\n\ndef build_parser():\n    parser = argparse.ArgumentParser()\n"
        "    commands = parser.add_subparsers(dest='command')\n    feeds = commands.add_parser('feeds')\n"
        "    commands.add_parser('flour')\n    return parser\n"
    )
    flour = "    commands.add_parser('flour')"
    added = before.replace(flour, f"    feeds.add_argument('--flour')\n{flour}")
    item = "`leaven feeds --flour rye` to list only the feeds of one flour"
    problem = unread_option_problem([FileChange("leaven/cli.py", before.encode(), added.encode())], item)
    assert problem and "nothing reads `args.flour`" in problem
    for read in ("args.flour", "getattr(args, 'flour')", "vars(args)['flour']", "options.get('flour')"):
        used = added + f"\n\ndef run(args):\n    return {read}\n"
        assert unread_option_problem([FileChange("leaven/cli.py", before.encode(), used.encode())], item) is None, read
    # the re-run: another object's attribute of that name (`feed.flour`, printed) is no read either
    printed = added + "\n\ndef run(args, feeds):\n    for feed in feeds:\n        print(args.since, feed.flour)\n"
    printed = printed.replace(flour, f"    feeds.add_argument('--since')\n{flour}")
    problem = unread_option_problem([FileChange("leaven/cli.py", before.encode(), printed.encode())], item)
    assert problem and "nothing reads `args.flour`" in problem
    kept = printed + "\n\ndef keep(args, feeds):\n    return [feed for feed in feeds if feed.flour == args.flour]\n"
    assert unread_option_problem([FileChange("leaven/cli.py", before.encode(), kept.encode())], item) is None


def test_a_record_with_a_field_named_like_another_option_holds_no_parsed_arguments() -> None:
    """heldout36 packets-crop-filter (Qwen, blind, febc33f, ticked WRONG): `--crop` added with
    `choices=["toms", "chili"]` and read nowhere — but the printing line reads `packet.crop`, and
    `packet.source` (a field named like `--source`) had made `packet` a name of the parsed arguments."""
    before = (
        "import argparse\n\n\ndef build_parser():\n    parser = argparse.ArgumentParser()\n"
        "    commands = parser.add_subparsers(dest='command')\n    packets = commands.add_parser('packets')\n"
        "    packets.add_argument('--source')\n    return parser\n\n\n"
        "def cmd_packets(args: argparse.Namespace, packets):\n    if args.source:\n"
        "        packets = [p for p in packets if p.source == args.source]\n"
        "    for packet in packets:\n        print(packet.crop, packet.source)\n"
    )
    crop = "    packets.add_argument('--crop', choices=['toms'])\n"
    added = before.replace("    return parser", crop + "    return parser")
    item = "`seedbox packets --crop X` to see one crop at a time"
    problem = unread_option_problem([FileChange("seedbox/cli.py", before.encode(), added.encode())], item)
    assert problem and "nothing reads `args.crop`" in problem
    read = added.replace("p.source == args.source]", "p.source == args.source and p.crop == args.crop]")
    assert unread_option_problem([FileChange("seedbox/cli.py", before.encode(), read.encode())], item) is None
