"""The agent: recipes and plans, validators, the graph on the real embedded model, the tool loop
and escalation against real loopback HTTP servers."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from agentrunner.agent import Agent, ItemInfo
from agentrunner.agent.recipes import (
    category_by_verb,
    degenerate,
    general_step,
    mentioned_paths,
    newest_section,
    recipe_for,
)
from agentrunner.agent.validators import ActResult, json_matches
from agentrunner.config import load_config
from agentrunner.gateway import Gateway
from agentrunner.ledger import Ledger
from agentrunner.router import Router
from agentrunner.sandbox import sandbox_status
from agentrunner.todo import parse_file
from tests.support.scripted_http import Reply, ScriptedServer

REPO = Path(__file__).resolve().parent.parent


def info(title: str, context: str = "", tags: list[str] | None = None) -> ItemInfo:
    return ItemInfo(id="i1", title=title, context=context, tags=tags or [], file="tasks/t.md")


def test_template_is_the_shipped_example(tmp_path: Path) -> None:
    """`agentrunner init` writes the same items as tasks/example.md. `make run` ticks the repo's copy
    in place, so the items' texts are compared, not the bytes."""
    template = tmp_path / "example.md"
    template.write_bytes(files("agentrunner").joinpath("templates", "example.md").read_bytes())

    def texts(path: Path) -> list[str]:
        return [re.sub(r"\s*✅ \d{4}-\d\d-\d\d", "", item.text) for item in parse_file(path).items]

    assert texts(template) == texts(REPO / "tasks" / "example.md")
    assert not any(item.checked for item in parse_file(template).items)


def test_every_example_item_has_a_recipe_or_the_coder_and_its_inputs_exist() -> None:
    """Six items a recipe works (the nano model could do them) and two small code chores on the
    general path (they need the coder model: a planted bug, a new function)."""
    todo = parse_file(REPO / "tasks" / "example.md")
    assert 5 <= len(todo.items) <= 8
    names = []
    for item in todo.items:
        found = recipe_for(info(item.title, item.context_text))
        if found is None:
            steps = [general_step(0, item.title, info(item.title, item.context_text), REPO)]
            names.append("general")
            assert all((REPO / path).is_file() for path in [*steps[0].reads, *steps[0].writes]), item.title
            continue
        recipe, params = found
        names.append(recipe.name)
        for step in recipe.plan(info(item.title, item.context_text), params):
            for path in step.reads:
                assert (REPO / path).is_file(), path
    assert set(names) == {"classify", "extract", "table", "release-notes", "rename", "general"}
    assert names.count("general") == 2


def test_paths_recipes_and_parsing_helpers() -> None:
    assert mentioned_paths("Move `a/b.py` to docs/c.md and `x` then `README.md`") == [
        "a/b.py",
        "docs/c.md",
        "README.md",
    ]
    # numbers and versions are no files (held-out test-parse-hours: "`1.5` not written")
    assert mentioned_paths("cover decimal (`1.5`), h:mm (`1:30`), bump to `0.7.0` on 3.12, see `notes.v2`") == [
        "notes.v2"
    ]
    classify = recipe_for(info("Classify the priority of `in/t.md` as low or high into `out/p.json`"))
    assert classify is not None and classify[1]["labels"] == ["low", "high"] and classify[1]["field"] == "priority"
    assert recipe_for(info("Classify the mood as happy or sad into `m.json`")) is None  # no input at all
    assert recipe_for(info("Classify the mood as happy or sad into `m.json`", context="I love it"))
    assert recipe_for(info("Write a poem")) is None
    assert newest_section("# C\n\n## [2.0.1] - 2026-01-02\n- Added x\n* Fixed y\n\n## 1.0.0\n- z\n") == (
        "2.0.1",
        "2026-01-02",
        ["Added x", "Fixed y"],
    )
    assert [category_by_verb(e) for e in ("Added x", "fix: y", "Dropped z", "Faster w")] == [
        "Added",
        "Fixed",
        "Removed",
        None,
    ]


def test_json_validator() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"enum": ["x", "y"]}, "b": {"type": "array", "maxItems": 1}},
        "required": ["a"],
    }
    check = json_matches(schema)
    assert check(ActResult(data={"a": "x", "b": [1]}), Path(".")).ok
    assert "not one of" in check(ActResult(data={"a": "z"}), Path(".")).detail
    assert "missing 'a'" in check(ActResult(data={}), Path(".")).detail
    assert "more than 1" in check(ActResult(data={"a": "y", "b": [1, 2]}), Path(".")).detail


LOCAL = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
max_tokens = 64
cost_per_hour = 0.05
"""


def scripted_tier(name: str, url: str) -> str:
    return f"""
[tiers.{name}]
provider = "openai"
model = "scripted-model"
base_url = "{url}/v1"
max_retries = 0
timeout = 5
price = {{ input_per_mtok = 1.0, output_per_mtok = 2.0 }}
"""


def make_agent(config_path: Path) -> tuple[Agent, Ledger]:
    config = load_config(config_path)
    ledger = Ledger.for_config(config)
    gateway = Gateway(config, ledger)
    router = Router(config, ledger, gateway.availability, run_id="run-test")
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return Agent(config, ledger, gateway, router, config.state_path), ledger


@pytest.mark.model
def test_graph_on_the_embedded_model_writes_checks_and_summarises(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    (isolated_home / "in").mkdir()
    (isolated_home / "in" / "team.txt").write_text("- Ada Lovelace <ada@example.org>\n", "utf-8")
    agent, ledger = make_agent(write_config(LOCAL))
    item = info("Extract the names and emails from `in/team.txt` into `out/contacts.json`")
    outcome = agent.work(item, run_id="run-test", attempt=1, resume=False)
    assert outcome.status == "done", outcome.error
    assert json.loads((isolated_home / "out" / "contacts.json").read_text("utf-8")) == [
        {"name": "Ada Lovelace", "email": "ada@example.org"}
    ]
    result = Path(outcome.result_path or "")
    assert result.parent.parent == isolated_home / "tasks" / "done" and "emails✓" in result.read_text("utf-8")
    (call,) = list(ledger.iter_calls("status = 'ok'"))
    assert call["run_id"] == "run-test" and call["task_id"] == "i1" and call["step_kind"] == "act"
    assert call["step_id"] == "i1:a1:s0:act:local:c0" and call["task_type"] == "extract"
    tools = [row["tool"] for row in ledger.db["tool_calls"].rows_where("task_id = 'i1'", order_by="ts")]
    assert tools == ["read_file", "write_file"]
    # the graph is finished: nothing to resume
    assert not agent.has_checkpoint("i1")
    # the same step again with reuse: answered from the ledger, not paid again
    again = agent.work(item, run_id="run-test", attempt=1, resume=False)
    assert again.status == "done" and again.calls[0]["reused"] and ledger.count_calls() == 1
    agent.close()


def chat_reply(content: str | None = None, tool: tuple[str, dict[str, Any]] | None = None) -> Reply:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool is not None:
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": tool[0], "arguments": json.dumps(tool[1])}}
        ]
    return Reply(
        200,
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "scripted-model",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool else "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
        },
    )


PLAN_NOTE = "1. Freeze main on Monday.\n2. Tag the release candidate.\n3. Ship on Thursday.\n"


def test_general_item_tool_loop_over_loopback_http(isolated_home: Path, write_config: Callable[[str], Path]) -> None:
    """A scripted OpenAI-compatible server plays a capable model: it lists files, writes the note
    (one refused attempt outside the workspace first), then answers. The loop is bounded by
    agent.max_tool_calls and every tool call is in the ledger."""
    with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
        server.queue(
            "/v1/chat/completions",
            chat_reply(tool=("list_files", {"path": "."})),
            chat_reply(tool=("write_file", {"path": "../escape.md", "content": "x"})),
            chat_reply(tool=("write_file", {"path": "notes/plan.md", "content": PLAN_NOTE})),
            chat_reply(content="Wrote notes/plan.md"),
        )
        agent, ledger = make_agent(write_config(scripted_tier("remote", server.url)))
        outcome = agent.work(info("Write a release plan into `notes/plan.md`"), run_id="r", attempt=1, resume=False)
    assert (isolated_home / "notes" / "plan.md").read_text("utf-8") == PLAN_NOTE
    assert not (isolated_home.parent / "escape.md").exists()
    # the model recovered from the refused call: the step's last tool call decides
    assert outcome.status == "done", outcome.error
    rows = list(ledger.db["tool_calls"].rows_where(order_by="ts"))
    assert [(r["tool"], r["ok"]) for r in rows] == [("list_files", 1), ("write_file", 0), ("write_file", 1)]
    assert ledger.count_calls("status = 'ok'") == 4
    agent.close()


@pytest.mark.model
def test_failing_tier_escalates_to_the_next(isolated_home: Path, write_config: Callable[[str], Path]) -> None:
    """The item's #flaky hint forces a tier whose server always answers 500; verification fails,
    the router escalates to the embedded model, which finishes the item."""
    (isolated_home / "m.py").write_text("def old_name():\n    return old_name\n", "utf-8")
    with ScriptedServer(
        {"/v1/models": Reply(200, {"object": "list", "data": []}), "/v1/chat/completions": Reply(500, {"error": "x"})}
    ) as server:
        text = scripted_tier("flaky", server.url) + LOCAL + "\n[router]\nmax_escalations = 1\n"
        agent, ledger = make_agent(write_config(text))
        item = info("Rename `old_name` to `new_name` in `m.py`", tags=["flaky"])
        outcome = agent.work(item, run_id="r", attempt=1, resume=False)
    assert outcome.status == "done", outcome.error
    assert (isolated_home / "m.py").read_text("utf-8") == "def new_name():\n    return new_name\n"
    tiers = [(row["tier"], row["status"]) for row in ledger.iter_calls()]
    assert tiers == [("flaky", "error"), ("local", "ok")]
    assert outcome.tier_counts() == {"local": 1}
    agent.close()


def test_general_loop_stops_on_repeats_and_rejects_junk(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    """What the tiny model does on open-ended items, played by a scripted server: the same tool call
    over and over (the loop stops), or junk text (the content check fails instead of ticking it)."""
    junk = '{"tool": "read_file", "arguments": {"path": "a"}} nextPage\n' * 5
    with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
        server.queue(
            "/v1/chat/completions",
            # the same call again, and again after each fresh start (agent/loop.py: MAX_FRESH_STARTS)
            *[chat_reply(tool=("list_files", {"path": "."}))] * 4,
            chat_reply(content=junk + "DONE"),
            chat_reply(content=junk + "DONE"),  # told once that nothing changed
            chat_reply(content="a10,"),
        )
        agent, _ = make_agent(write_config(scripted_tier("remote", server.url)))
        looped = agent.work(info("Write a plan into `notes/a.md`"), run_id="r", attempt=1, resume=False)
        leaked = agent.work(info("Write a plan into `notes/b.md`"), run_id="r", attempt=1, resume=False)
        short = agent.work(info("Say something useful"), run_id="r", attempt=1, resume=False)
    assert looped.status == "failed" and "repeated the same tool call" in (looped.error or "")
    assert leaked.status == "failed" and "not written" in (leaked.error or ""), leaked.error
    assert not (isolated_home / "notes" / "b.md").exists()
    assert short.status == "failed" and "too short" in (short.error or "")
    assert degenerate(PLAN_NOTE) is None and degenerate("x\n" * 10) is not None
    agent.close()


def test_self_check_verdict_can_fail_a_step(isolated_home: Path, write_config: Callable[[str], Path]) -> None:
    """agent.self_check: after the deterministic checks pass, a routed verify call decides."""
    with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
        server.queue(
            "/v1/chat/completions",
            chat_reply(content=PLAN_NOTE),
            chat_reply(content=json.dumps({"verdict": "fail", "reason": "no dates in the plan"})),
            chat_reply(content=PLAN_NOTE),
            chat_reply(content=json.dumps({"verdict": "pass", "reason": "fine"})),
        )
        text = scripted_tier("remote", server.url) + "\n[agent]\nself_check = true\n"
        agent, ledger = make_agent(write_config(text))
        rejected = agent.work(info("Draft a release plan"), run_id="r", attempt=1, resume=False)
        accepted = agent.work(info("Draft a release plan"), run_id="r", attempt=2, resume=False)
    assert rejected.status == "failed" and "no dates in the plan" in (rejected.error or "")
    assert accepted.status == "done" and len(accepted.calls) == 2
    kinds = [row["step_kind"] for row in ledger.iter_calls()]
    assert kinds == ["act", "verify", "act", "verify"]
    agent.close()


def test_init_writes_the_example_and_its_inputs(tmp_path: Path, cli: Callable[..., Any]) -> None:
    # The committed examples/ (not the working tree: `make run` edits it in place) are the packaged ones.
    packaged = files("agentrunner").joinpath("templates", "examples")
    listed = subprocess.run(
        ["git", "ls-files", "examples"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted(Path(p).name for p in listed) == sorted(p.name for p in packaged.iterdir())
    for name in listed:
        committed = subprocess.run(["git", "show", f"HEAD:{name}"], cwd=REPO, capture_output=True, check=True).stdout
        assert packaged.joinpath(Path(name).name).read_bytes() == committed, name
    target = tmp_path / "fresh"
    result = cli("init", str(target))
    assert result.exit_code == 0, result.output
    todo = parse_file(target / "tasks" / "example.md")
    for item in todo.items:
        found = recipe_for(info(item.title, item.context_text))
        if found is None:  # the general path: the files it names are there
            step = general_step(0, item.title, info(item.title, item.context_text), target)
            assert all((target / path).is_file() for path in [*step.reads, *step.writes]), item.title
            continue
        for step in found[0].plan(info(item.title, item.context_text), found[1]):
            assert all((target / path).is_file() for path in step.reads), step.reads


def test_general_step_must_write_its_file_itself(isolated_home: Path, write_config: Callable[[str], Path]) -> None:
    """An in-place edit item whose file already exists: answering without writing it is no pass."""
    (isolated_home / "notes").mkdir()
    (isolated_home / "notes" / "plan.md").write_text(PLAN_NOTE, "utf-8")
    with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
        server.queue(
            "/v1/chat/completions",
            chat_reply(tool=("read_file", {"path": "notes/plan.md"})),
            chat_reply(content="I have reviewed the plan and it looks complete to me."),
            chat_reply(content="I have reviewed the plan and it looks complete to me."),  # told once
        )
        agent, _ = make_agent(write_config(scripted_tier("remote", server.url)))
        outcome = agent.work(
            info("Add a rollback step to the plan in `notes/plan.md`"), run_id="r", attempt=1, resume=False
        )
    assert outcome.status == "failed" and "did not write notes/plan.md" in (outcome.error or "")
    agent.close()


@pytest.mark.parametrize("max_steps", [1, 2])
def test_max_steps_caps_the_steps_an_item_acts_retries_included(
    isolated_home: Path, write_config: Callable[[str], Path], max_steps: int
) -> None:
    """agent.max_steps counts every act of an item's steps, each retry on another tier included:
    at 1 a failed step is not retried on the next tier (its server sees no request), at 2 it is."""
    models = {"/v1/models": Reply(200, {"object": "list", "data": []})}
    with ScriptedServer(models) as cheap, ScriptedServer(models) as strong:
        cheap.queue("/v1/chat/completions", chat_reply(content="a10,"))  # too short: the step fails
        strong.queue("/v1/chat/completions", chat_reply(content="Three useful things: tests, docs, small commits."))
        text = (
            scripted_tier("cheap", cheap.url)
            + scripted_tier("strong", strong.url).replace("1.0", "5.0")
            + f"\n[router]\nmax_escalations = 1\n\n[agent]\nmax_steps = {max_steps}\n"
        )
        agent, _ = make_agent(write_config(text))
        outcome = agent.work(info("Say something useful", tags=["cheap"]), run_id="r", attempt=1, resume=False)
        asked_strong = len(strong.requests_to("/v1/chat/completions"))
    agent.close()
    if max_steps == 1:
        assert outcome.status == "failed" and "agent.max_steps (1) spent" in (outcome.error or ""), outcome.error
        assert asked_strong == 0
    else:
        assert outcome.status == "done", outcome.error
        assert asked_strong == 1


def anthropic_message(content: list[dict[str, Any]], stop_reason: str) -> Reply:
    """A Messages API response as documented (https://docs.anthropic.com/en/api/messages)."""
    usage = {"input_tokens": 100, "output_tokens": 20, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    body = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-6", "content": content}
    return Reply(200, {**body, "stop_reason": stop_reason, "stop_sequence": None, "usage": usage})


def test_premium_tiers_get_the_tools_as_their_apis_tool_list(
    isolated_home: Path, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The general loop offers an Anthropic tier its tools as the Messages API's `tools` and reads
    `tool_use` back (results go back as `tool_result`); an OpenAI tier likewise (`tools`,
    `tool_calls`) — on by default for the real APIs, here forced with `native_tools = true` since the
    real APIs are unreachable from this machine: loopback servers play them, answering in their
    documented formats. A local OpenAI-compatible server (a base_url) keeps the text protocol."""
    monkeypatch.setenv("AGENT_TEST_PREMIUM_KEY", "sk-test-0123456789abcdefghijklmnopqrstuvwxyz")
    write = {"path": "notes/plan.md", "content": PLAN_NOTE}
    tool_use = [{"type": "tool_use", "id": "toolu_1", "name": "write_file", "input": write}]
    with ScriptedServer({}) as server:
        server.queue(
            "/v1/messages",
            anthropic_message(tool_use, "tool_use"),
            anthropic_message([{"type": "text", "text": "DONE wrote the release plan"}], "end_turn"),
        )
        tier = (
            '[tiers.premium]\nprovider = "anthropic"\nmodel = "claude-sonnet-4-6"\n'
            f'base_url = "{server.url}"\napi_key_env = "AGENT_TEST_PREMIUM_KEY"\nmax_retries = 0\ntimeout = 5\n'
            "price = { input_per_mtok = 3.0, output_per_mtok = 15.0 }\n"
        )
        agent, _ = make_agent(write_config(tier))
        outcome = agent.work(info("Write a release plan into `notes/plan.md`"), run_id="r", attempt=1, resume=False)
        sent = [json.loads(seen.body) for seen in server.requests_to("/v1/messages")]
    agent.close()
    assert outcome.status == "done", outcome.error
    assert (isolated_home / "notes" / "plan.md").read_text("utf-8") == PLAN_NOTE
    assert {"read_file", "write_file", "edit_file"} <= {tool["name"] for tool in sent[0]["tools"]}
    assert all("input_schema" in tool for tool in sent[0]["tools"])
    result_blocks = [b for m in sent[1]["messages"] if isinstance(m["content"], list) for b in m["content"]]
    assert any(b.get("type") == "tool_result" and b.get("tool_use_id") == "toolu_1" for b in result_blocks)

    for native, expected in (("native_tools = true\n", True), ("", False)):
        with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
            server.queue("/v1/chat/completions", chat_reply(content="Three useful things: tests, docs, small commits."))
            agent, _ = make_agent(write_config(scripted_tier("remote", server.url) + native))
            item = ItemInfo(id=f"said-{expected}", title="Say something useful", context="", tags=[], file="t.md")
            outcome = agent.work(item, run_id="r", attempt=1, resume=False)
            (body,) = [json.loads(seen.body) for seen in server.requests_to("/v1/chat/completions")]
        agent.close()
        assert outcome.status == "done", outcome.error
        assert ("write_file" in json.dumps(body.get("tools", []))) is expected, body.get("tools")


PROSE_PAGE = (
    "# Seasons\n\n"
    "The season module decides which part of the year a sighting falls in.\n"
    "Spring migration runs from March to May and autumn migration from August to October.\n"
    "Every other month counts as a resident month, and the report groups sightings by it.\n"
)


def work_on_a_scripted_tier(
    write_config: Callable[[str], Path], review_prose: bool | None, replies: list[Reply], title: str
) -> Any:
    """One item worked by an OpenAI-compatible tier on loopback that answers ``replies``, with
    ``review_prose`` set as given (None: the tier's default)."""
    with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
        server.queue("/v1/chat/completions", *replies)
        tier = scripted_tier("remote", server.url)
        if review_prose is not None:
            tier += f"review_prose = {str(review_prose).lower()}\n"
        agent, _ = make_agent(write_config(tier))
        outcome = agent.work(info(title), run_id="r", attempt=1, resume=False)
        agent.close()
    return outcome


@pytest.mark.parametrize("review_prose", [None, False])
def test_a_page_of_prose_by_a_local_tier_is_left_for_review_with_its_draft(
    isolated_home: Path, write_config: Callable[[str], Path], review_prose: bool | None
) -> None:
    """agent/review.py: no check can tell a paragraph about the code is right; a tier that may not
    tick prose (by default any but the premium APIs: here an OpenAI-compatible server on loopback)
    leaves the item open, its files as before, the draft with its diff in tasks/review/<day>/."""
    replies = [
        chat_reply(tool=("write_file", {"path": "docs/seasons.md", "content": PROSE_PAGE})),
        chat_reply(content="Wrote docs/seasons.md"),
    ]
    title = "Write docs/seasons.md explaining the seasons"
    outcome = work_on_a_scripted_tier(write_config, review_prose, replies, title)
    if review_prose is False:  # a tier the user trusts with prose: the checks decide, as before
        assert outcome.status == "done", outcome.error
        assert (isolated_home / "docs" / "seasons.md").read_text("utf-8") == PROSE_PAGE
        return
    error = outcome.error or ""
    assert outcome.status == "failed" and "review" in error and "docs/seasons.md" in error
    assert not (isolated_home / "docs" / "seasons.md").exists()  # rolled back
    (draft,) = (isolated_home / "tasks" / "review").glob("*/*.md")
    assert str(draft.relative_to(isolated_home)) in error
    text = draft.read_text("utf-8")
    assert text.startswith("> Draft, not applied") and "+Spring migration runs from March to May" in text


SEASONS = '''"""Seasons of a sighting."""


def season_label(month: int) -> str:
    if month in (3, 4, 5):
        return "spring"
    return "resident"
'''
SEASON_DOCSTRING = "Name the season a sighting made in ``month`` falls in: March to May is spring, the rest resident."


@pytest.mark.parametrize("review_prose", [None, False])
def test_a_docstring_by_a_local_tier_is_left_for_review_with_its_draft(
    isolated_home: Path, write_config: Callable[[str], Path], review_prose: bool | None
) -> None:
    """agent/review.py: a docstring is a paragraph about the code no test runs (blind, the gate let
    through five right docstrings of Qwen's and five wrong ones): the docstring recipe's work by a
    tier that may not tick prose leaves the item open, the module as before, the draft kept."""
    (isolated_home / "birds").mkdir()
    (isolated_home / "birds" / "seasons.py").write_text(SEASONS, "utf-8")
    title = "season_label in birds/seasons.py has no docstring. Add one: which months are spring"
    replies = [chat_reply(content=json.dumps({"docstring": SEASON_DOCSTRING}))]
    outcome = work_on_a_scripted_tier(write_config, review_prose, replies, title)
    written = (isolated_home / "birds" / "seasons.py").read_text("utf-8")
    if review_prose is False:  # a tier the user trusts with prose: the checks decide
        assert outcome.status == "done", outcome.error
        assert "March to May is spring" in written and "def season_label" in written
        return
    error = outcome.error or ""
    assert outcome.status == "failed" and "review" in error and "birds/seasons.py is docstrings" in error, error
    assert written == SEASONS  # rolled back
    (draft,) = (isolated_home / "tasks" / "review").glob("*/*.md")
    text = draft.read_text("utf-8")
    assert text.startswith("> Draft, not applied: tier `remote` wrote these docstrings"), text[:200]
    assert "+    March to May is spring" in text or "March to May is spring" in text


HARVESTS = "date,hive,weight_kg\n2024-09-01,A,20.0\n2025-06-14,A,12.5\n2025-08-30,B,31.0\n2025-09-20,C,4.4\n"
HARVEST_TABLE = {
    "where": "row['date'].startswith('2025')",
    "columns": [
        {"header": "Date", "value": "row['date']"},
        {"header": "Hive", "value": "row['hive']"},
        {"header": "Weight (kg)", "value": "row['weight_kg']"},
    ],
}


@pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")
@pytest.mark.parametrize("review_prose", [None, False])
def test_a_table_of_records_by_a_local_tier_is_left_for_review_with_its_draft(
    isolated_home: Path, write_config: Callable[[str], Path], review_prose: bool | None
) -> None:
    """agent/review.py, table_pages: which records and columns a table holds is a reading of the item
    (blind, the tables the gate let through were right about once and ticked WRONG eight times): the
    data-table recipe's table by a tier that may not tick such work waits for review."""
    (isolated_home / "data").mkdir()
    (isolated_home / "data" / "harvests.csv").write_text(HARVESTS, "utf-8")
    title = "docs/harvest-2025.md: the 2025 harvests from data/harvests.csv as a Markdown table: date, hive, weight"
    replies = [chat_reply(content=json.dumps(HARVEST_TABLE))]
    outcome = work_on_a_scripted_tier(write_config, review_prose, replies, title)
    page = isolated_home / "docs" / "harvest-2025.md"
    if review_prose is False:  # a tier the user trusts with it: the gate's checks decide
        assert outcome.status == "done", outcome.error
        assert "2025-08-30" in page.read_text("utf-8") and "2024-09-01" not in page.read_text("utf-8")
        return
    error = outcome.error or ""
    assert outcome.status == "failed" and "docs/harvest-2025.md is a table of records" in error, error
    assert not page.exists()  # rolled back
    (draft,) = (isolated_home / "tasks" / "review").glob("*/*.md")
    text = draft.read_text("utf-8")
    assert text.startswith("> Draft, not applied: tier `remote` wrote this table") and "2025-08-30" in text


@pytest.mark.parametrize("review_prose", [None, False])
def test_a_gitignore_by_the_general_loop_of_a_local_tier_is_left_for_review(
    isolated_home: Path, write_config: Callable[[str], Path], review_prose: bool | None
) -> None:
    """agent/review.py, ignore_files: an item the ignore-lines recipe could not read is one the gate
    cannot read either (blind, the loop's .gitignore files were right once and ticked WRONG four
    times); the loop's .gitignore by a local tier waits for review, the file as before."""
    (isolated_home / ".gitignore").write_text("__pycache__/\n", "utf-8")
    title = "sort out .gitignore so my catch photos stop showing up in git status"
    replies = [
        chat_reply(tool=("write_file", {"path": ".gitignore", "content": "__pycache__/\ncatch_photos/*\n"})),
        chat_reply(content="Added the photos to .gitignore"),
    ]
    outcome = work_on_a_scripted_tier(write_config, review_prose, replies, title)
    written = (isolated_home / ".gitignore").read_text("utf-8")
    if review_prose is False:
        assert outcome.status == "done", outcome.error
        assert "catch_photos/*" in written
        return
    error = outcome.error or ""
    assert outcome.status == "failed" and ".gitignore is ignore lines for an item no rule read" in error, error
    assert written == "__pycache__/\n"  # rolled back
    (draft,) = (isolated_home / "tasks" / "review").glob("*/*.md")
    assert "+catch_photos/*" in draft.read_text("utf-8")


def test_a_reviewer_or_a_page_that_is_no_prose_needs_no_review(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    from agentrunner.agent.journal import FileChange
    from agentrunner.agent.review import docstring_sources, ignore_files, prose_pages, table_pages

    page = FileChange("docs/seasons.md", None, PROSE_PAGE.encode())
    assert prose_pages([page]) == ["docs/seasons.md"]
    # docstrings alone are prose; a change to the code beside them is judged by the tests
    documented = SEASONS.replace("    if month", f'    """{SEASON_DOCSTRING}"""\n    if month', 1)
    assert docstring_sources([FileChange("birds/seasons.py", SEASONS.encode(), documented.encode())]) == [
        "birds/seasons.py"
    ]
    fixed = documented.replace("(3, 4, 5)", "(3, 4, 5, 6)")
    assert docstring_sources([FileChange("birds/seasons.py", SEASONS.encode(), fixed.encode())]) == []
    reformatted = SEASONS.replace("(3, 4, 5)", "(3, 4,  5)")
    assert docstring_sources([FileChange("birds/seasons.py", SEASONS.encode(), reformatted.encode())]) == []
    assert prose_pages([page, FileChange("birds/seasons.py", b"x = 1\n", b"x = 2\n")]) == []  # code: tests judge it
    table = "| month | season |\n|---|---|\n" + "| March and April and May too | spring migration months |\n" * 3
    assert prose_pages([FileChange("docs/t.md", None, table.encode())]) == []
    entries = "## [Unreleased]\n\n### Fixed\n" + "- The season of a sighting made in late February is right.\n" * 3
    assert prose_pages([FileChange("CHANGELOG.md", b"", entries.encode())]) == []
    # heldout11 todo-triage: an inventory's lines name their places; the files decide them, not a reviewer
    todos = "".join(f"- `birds/m{n}.py:{n}` — TODO: read the official taxonomy file as well\n" for n in range(4))
    assert prose_pages([FileChange("TODOS.md", None, todos.encode())]) == []
    # a table of records is a reading of the item; an inventory's table names places the files decide
    records = "| date | hive |\n|---|---|\n| 2025-06-14 | A |\n| 2025-08-30 | B |\n"
    assert table_pages([FileChange("docs/h.md", b"# H\n", b"# H\n" + records.encode())]) == ["docs/h.md"]
    places = "| place | note |\n| --- | --- |\n| `birds/a.py:3` | TODO: x |\n| `birds/b.py:9` | TODO: y |\n"
    assert table_pages([FileChange("TODO.md", None, places.encode())]) == []
    assert table_pages([FileChange("docs/h.md", None, records.encode()), FileChange("a.py", b"", b"x = 1\n")]) == []
    assert table_pages([FileChange("CHANGELOG.md", b"", records.encode())]) == []
    assert ignore_files([FileChange(".gitignore", b"", b"*.jpg\n")]) == [".gitignore"]
    assert ignore_files([FileChange(".gitignore", b"", b"*.jpg\n"), FileChange("a.py", b"", b"x = 1\n")]) == []
    # heldout18 water-change-docs (Qwen, blind, ticked WRONG): a paragraph on one line is several sentences
    paragraph = (
        "This document walks through the process of working out a water change for each tank. "
        "It includes the real figures used in the code, such as the volume of the tanks.\n\n"
        "To use the `tanklog` tool, you can run the following commands:\n"
    )
    assert prose_pages([FileChange("docs/usage.md", b"# Usage\n", b"# Usage\n" + paragraph.encode())]) == [
        "docs/usage.md"
    ]
