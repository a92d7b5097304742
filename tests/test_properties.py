"""Property-based tests (hypothesis): bad input never escapes as anything but a one-line error.

- routes.toml: any TOML document (plausible keys and values serialised with tomlkit, and random
  text and bytes) loads into a valid Config or raises a ConfigError whose message is one line
  starting with the file name — never another exception.
- the ledger: any record (random unicode including lone surrogates and NULs, huge strings) is
  stored and read back (text equal, or escaped where SQLite cannot store it).
- to-do files: parse → render with no change gives the same bytes, for any bytes; the atomic
  write of an unchanged file leaves it byte-identical.
"""

from __future__ import annotations

import json
import math
import string
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from agentrunner.config import Config, load_config, parse_config
from agentrunner.errors import ConfigError
from agentrunner.ledger import CallRecord, Ledger, storable

PROFILE = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# ── routes.toml ────────────────────────────────────────────────────────────────────────────────

TIER_KEYS = [
    "provider", "model", "model_path", "n_ctx", "n_threads", "max_tokens", "temperature", "cost_per_hour",
    "price", "api_key_env", "base_url", "host", "timeout", "connect_timeout", "max_retries", "prompt_cache",
    "tools", "json_output", "options", "modle", "",
]
SECTION_KEYS = {
    "router": ["classifier", "threshold", "escalate_on_fail", "max_escalations", "model_dir", "treshold"],
    "budgets": ["per_run_usd", "daily_usd", "monthly_usd", "per_user_daily_usd", "per_team_monthly_usd",
                "on_exhausted", "warn_at"],
    "agent": ["workspace", "tasks_dir", "max_steps", "max_tool_calls", "max_attempts", "self_check", "tools",
              "shell_allow", "shell_timeout", "shell_output_cap"],
    "ledger": ["redact", "default_redact", "user", "team", "project"],
}
PLAUSIBLE_STRINGS = [
    "llama-cpp", "ollama", "openai", "anthropic", "gemma3-270m", "heuristic", "learned", "downgrade", "stop",
    "${USER}", "${NOPE:-x}", "sk-[A-Za-z0-9]{20,}", "[unclosed", "(?P<x", "local", "premium", "read_file",
    "shell", "http://127.0.0.1:1/v1", "",
]

scalars = st.one_of(
    st.sampled_from(PLAUSIBLE_STRINGS),
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(TIER_KEYS), st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=12,
)
key_names = st.one_of(st.sampled_from(["local", "premium", "cheap", "a.b", "x y", "tier\nname"]), st.text(max_size=10))


@st.composite
def tier_tables(draw: st.DrawFn) -> dict[str, Any]:
    tier: dict[str, Any] = {}
    if draw(st.booleans()):
        tier["provider"] = draw(st.sampled_from(["llama-cpp", "ollama", "openai", "anthropic", "vllm"]))
    if draw(st.booleans()):
        tier["model"] = draw(st.sampled_from(["gemma3-270m", "claude-sonnet-4-5", "gpt-4o-mini"]))
    for key in draw(st.lists(st.sampled_from(TIER_KEYS), max_size=5)):
        tier[key] = draw(values)
    if draw(st.booleans()):
        tier["price"] = draw(
            st.dictionaries(
                st.sampled_from(["input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "bogus"]),
                st.one_of(st.floats(allow_nan=True), st.integers(), st.text(max_size=3)),
                max_size=4,
            )
        )
    return tier


@st.composite
def routes_documents(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if draw(st.integers(0, 9)) > 0:
        document["tiers"] = draw(
            st.one_of(
                st.dictionaries(key_names, tier_tables(), max_size=3),
                values,  # tiers = 5, tiers = "x", …
            )
        )
    for section, keys in SECTION_KEYS.items():
        if draw(st.booleans()):
            document[section] = {key: draw(values) for key in draw(st.lists(st.sampled_from(keys), max_size=4))}
    if draw(st.booleans()):
        document["rules"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "when": st.dictionaries(
                            st.sampled_from(["tag", "kind", "regex", "files", "min_chars", "max_chars", "bad"]),
                            values,
                            max_size=3,
                        ),
                        "tier": st.one_of(st.sampled_from(["local", "premium", "nope"]), values),
                    },
                ),
                max_size=3,
            )
        )
    if draw(st.booleans()):
        document[draw(st.sampled_from(["subscriptions", "scorers", "unknown_section"]))] = draw(values)
    return document


def _assert_config_or_one_line_error(text: str) -> None:
    try:
        config = parse_config(text, file="routes.toml")
    except ConfigError as exc:
        message = str(exc)
        assert len(message.splitlines()) == 1, message
        assert message.startswith("routes.toml"), message
        assert exc.exit_code == 2
        return
    assert isinstance(config, Config) and config.tiers
    config.config_hash()  # a loaded config is usable: hashing dumps every field


@PROFILE
@given(routes_documents())
def test_any_toml_document_loads_or_gives_one_line_error(document: dict[str, Any]) -> None:
    try:
        text = tomlkit.dumps(document)
    except Exception:  # tomlkit cannot express it (e.g. a NUL in a key): not a TOML document
        assume(False)
    _assert_config_or_one_line_error(text)


@PROFILE
@given(st.text(alphabet=string.printable + "[]=\"'#.{}ü€\u2028", max_size=300))
def test_any_text_loads_or_gives_one_line_error(text: str) -> None:
    _assert_config_or_one_line_error(text)


@PROFILE
@given(
    st.lists(
        st.sampled_from(
            [
                "[tiers.local]\n", "provider = \"llama-cpp\"\n", "model = \"gemma3-270m\"\n", "n_ctx = 0\n",
                "[router]\n", "threshold = 2\n", "[[rules]]\n", "when = { tag = \"x\" }\n", "tier = \"nope\"\n",
                "[budgets]\n", "on_exhausted = \"never\"\n", "[ledger]\n", "redact = [\"(\"]\n", "x = \n",
                "[tiers.premium]\n", "provider = \"anthropic\"\n", "price = { input_per_mtok = -1 }\n",
                "[tiers.\"a\\nb\"]\n", "\"key\\nwith newline\" = 1\n",
            ]
        ),
        max_size=12,
    )
)
def test_shuffled_real_lines_load_or_give_one_line_error(lines: list[str]) -> None:
    _assert_config_or_one_line_error("".join(lines))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_any_bytes_on_disk_load_or_give_one_line_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "routes.toml"
    path.write_bytes(data)
    try:
        load_config(path)
    except ConfigError as exc:
        assert len(str(exc).splitlines()) == 1 and str(exc).startswith(str(path))


# ── the ledger ─────────────────────────────────────────────────────────────────────────────────

any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)


@pytest.fixture(scope="module")
def property_ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    return Ledger(tmp_path_factory.mktemp("ledger") / "ledger.db", redact=[r"sk-[A-Za-z0-9]{20,}"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    request=any_text,
    response=any_text,
    task=st.one_of(st.none(), any_text),
    tokens=st.one_of(st.none(), st.integers(0, 2**62)),
    cost=st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)),
)
def test_any_record_is_stored_and_read_back(
    property_ledger: Ledger, request: str, response: str, task: str | None, tokens: int | None, cost: float | None
) -> None:
    call_id = property_ledger.record_call(
        CallRecord(request_json=request, response_text=response, task_id=task, input_tokens=tokens, cost_usd=cost)
    )
    row = property_ledger.get_call(call_id)
    assert row is not None
    expected_response = property_ledger.redact(response) if response else response
    assert row["response_text"] == expected_response
    assert row["request_json"] == (property_ledger.redact(request) if request else request)
    assert row["task_id"] == (storable(task) if task is not None else None)
    assert row["input_tokens"] == tokens
    assert (row["cost_usd"] is None and cost is None) or math.isclose(row["cost_usd"], cost or 0.0)


def test_huge_strings_are_stored_whole(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    huge = "é" * 5_000_000 + "\x00" + "end"
    call_id = ledger.record_call(CallRecord(request_json=huge, response_text=huge[:1_000_000]))
    row = ledger.get_call(call_id)
    assert row is not None and row["request_json"] == huge and len(row["response_text"]) == 1_000_000


def test_undecodable_bytes_in_a_prompt_do_not_lose_the_call(tmp_path: Path) -> None:
    """A to-do file with invalid UTF-8 is read with surrogateescape; the call must still be recorded."""
    ledger = Ledger(tmp_path / "ledger.db")
    text = b"fix caf\xe9 \xff\xfe".decode("utf-8", "surrogateescape")
    call_id = ledger.record_call(CallRecord(request_json=text, response_text=text, error=text))
    row = ledger.get_call(call_id)
    assert row is not None and row["request_json"] == "fix caf\\udce9 \\udcff\\udcfe"


# ── to-do files ────────────────────────────────────────────────────────────────────────────────

todo_fragments = st.sampled_from(
    [
        "- [ ] ", "- [x] ", "* [X] ", "1. [ ] ", "  - [ ] ", "\t- [ ] ", "- [] ", "-[ ] ", "```\n", "~~~\n",
        "# Heading\n", "\n", "\r\n", "\r", "#local ", "#premium ", "~$0.50 ", "~$ ", "📅 2026-11-30 ",
        "⏫ ", "✅ 2026-11-26", "  - → [result](done/x.md) · 1 calls", "  - ⚠ failed (attempt 1/3): x",
        "Summarise docs ", "é", "\u2028", "\x00", " ", "\t",
    ]
)
todo_texts = st.lists(st.one_of(todo_fragments, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(todo_texts)
def test_todo_parse_render_round_trip_text(text: str) -> None:
    from agentrunner.todo import parse_text, split_lines

    assert "".join(split_lines(text)) == text
    parsed = parse_text(text, path=Path("tasks/t.md"))
    assert parsed.render() == text
    for item in parsed.items:
        assert parsed.lines[item.line_index] == item.line
        assert len(item.id) == 16


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=400), todo_texts.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_todo_file_unchanged_write_is_byte_identical(tmp_path: Path, data: bytes) -> None:
    from agentrunner.atomic import atomic_write
    from agentrunner.todo import parse_file, update_item

    path = tmp_path / "t.md"
    path.write_bytes(data)
    parsed = parse_file(path)
    atomic_write(path, parsed.render())
    assert path.read_bytes() == data
    for item in parsed.items[:3]:
        assert update_item(path, item.id, lambda file, found: list(file.lines))
        assert path.read_bytes() == data


# ── importers: arbitrary JSONL lines ───────────────────────────────────────────────────────────

FIXTURES = Path(__file__).parent / "fixtures" / "import"
_REAL_LINES = {
    tool: [line for path in sorted((FIXTURES / tool).rglob("*.jsonl")) for line in path.read_text("utf-8").splitlines()]
    for tool in ("claude-code", "codex", "gemini")
}
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12),
              st.sampled_from(["assistant", "user", "message", "response_item", "event_msg", "turn_context",
                               "claude-sonnet-4-5", "gpt-5", "2026-09-02T10:00:00Z", "tool_use", "text"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["type", "message", "usage", "model", "timestamp", "content", "role", "id", "sessionId",
                             "uuid", "payload", "input_tokens", "output_tokens", "requestId", "text", "x"]),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=15,
)


@st.composite
def jsonl_files(draw: st.DrawFn, tool: str) -> str:
    real = _REAL_LINES[tool]
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.integers(0, 4))
        if kind == 0 and real:
            lines.append(draw(st.sampled_from(real)))
        elif kind == 1 and real:
            line = draw(st.sampled_from(real))
            lines.append(line[: draw(st.integers(0, len(line)))])  # cut off mid-line
        elif kind == 2:
            lines.append(json.dumps(draw(json_values)))
        elif kind == 3:
            lines.append(draw(st.text(max_size=40)))
        else:
            line = draw(st.sampled_from(real)) if real else "{}"
            try:
                data = json.loads(line)
            except ValueError:
                data = {}
            if isinstance(data, dict) and data:
                key = draw(st.sampled_from(sorted(data)))
                data[key] = draw(json_values)  # a real record with one field replaced by junk
            lines.append(json.dumps(data))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


@pytest.mark.parametrize("tool", ["claude-code", "codex", "gemini"])
def test_importers_survive_arbitrary_jsonl(tool: str, tmp_path: Path) -> None:
    from agentrunner.errors import AgentRunnerError
    from agentrunner.importers import run_import

    layout = {
        "claude-code": "projects/-home-x/{n}.jsonl",
        "codex": "sessions/2026/09/02/rollout-2026-09-02T10-00-00-{n}.jsonl",
        "gemini": "tmp/abc/chats/session-2026-09-03T08-00-{n}.jsonl",
    }[tool]
    counter = iter(range(10**6))
    ledger = Ledger(tmp_path / "ledger.db")
    added: list[int] = []

    # A whole real file first: random draws alone found no importable call in 60 examples once (CI,
    # session 6: codex needs several lines together), and the last assert then failed by chance.
    # derandomize: the same examples on every run, so CI cannot pass or fail by the seed.
    first_real_file = sorted((FIXTURES / tool).rglob("*.jsonl"))[0].read_text("utf-8")

    @settings(
        max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @example(first_real_file)
    @given(jsonl_files(tool))
    def check(text: str) -> None:
        root = tmp_path / f"root{next(counter)}"
        path = root / layout.format(n=f"{next(counter):08d}")
        path.parent.mkdir(parents=True)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        before = ledger.count_calls()
        try:
            summary = run_import(tool, [root], ledger=ledger)
        except AgentRunnerError as exc:
            assert len(str(exc).splitlines()) == 1
            return
        assert ledger.count_calls() - before == summary.rows_added
        added.append(summary.rows_added)
        again = run_import(tool, [root], ledger=ledger)  # re-importing adds nothing
        assert again.rows_added == 0

    check()
    assert ledger.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sum(added) > 0, "no generated file had an importable call: the test would prove nothing"
