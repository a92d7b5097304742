"""Claude Code itself through the gateway: ``claude -p`` with ``ANTHROPIC_BASE_URL`` pointing at a
real uvicorn on loopback and ``ANTHROPIC_API_KEY`` a gateway key.

1. Translated, on a temp repo with a one-file task, served by the embedded Gemma 3 270M (every
   ``claude-*`` model routed to it by a ``[[gateway.routes]]`` rule). What is checked is the
   protocol, not the model's skill: Claude Code sends streaming ``/v1/messages?beta=true`` requests
   with its tools, ``max_tokens`` 64000 and eight ``anthropic-beta`` flags, parses the SSE answers
   and exits 0; every request is a ledger row with source ``gateway``, the key's user, and client
   ``claude-cli/…``. Gemma 270M does not fix the bug (it answers in text); docs/gateway.md says
   what a small model does with Claude Code's prompt. ``--tools Read,Edit,Write`` keeps the prompt
   at ~2,000 tokens (the default 25 tools make it ~22,700: minutes of prompt processing on two
   CPU cores).
2. Passed through to an Anthropic tier whose upstream is a loopback server speaking Anthropic's
   wire format (the real API cannot be reached from here): Claude Code's default request arrives
   unchanged, with the gateway's key.

Claude Code is installed by ``scripts/setup.sh dev`` into the git-ignored ``.tools/`` (it needs
npm); without it these tests skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.chat import Usage
from agentrunner.config import load_config
from agentrunner.keys import KeyStore
from agentrunner.ledger import Ledger
from agentrunner.server.anthropic_wire import MessageStreamEncoder
from agentrunner.server.app import create_app
from agentrunner.server.auth import KeyAuthenticator
from tests.support.gateway_server import GatewayServer
from tests.support.scripted_http import Reply, ScriptedServer

CLAUDE = Path(__file__).resolve().parent.parent / ".tools" / "node_modules" / ".bin" / "claude"

pytestmark = pytest.mark.skipif(
    not CLAUDE.exists(), reason="Claude Code is not installed: `scripts/setup.sh dev` (needs npm)"
)

ROUTES = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 8192
n_threads = 2
max_tokens = 128
cost_per_hour = 0.05

[[gateway.routes]]
model = "claude-*"
to = "local"
"""

JSON_OUT = ("--output-format", "json")
TASK = "calc.py has a bug: add() subtracts. Make add return a + b."


def claude_env(home: Path, base_url: str, key: str) -> dict[str, str]:
    """Claude Code's environment: its own HOME (it writes ~/.claude), the gateway, no traffic
    to Anthropic's other services (none is reachable here)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": key,
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
    }


@pytest.mark.model
@pytest.mark.slow  # 60 s to 10+ min on the shared 2-core machine, depending on its load and on what Gemma answers
def test_claude_code_runs_a_task_through_the_gateway_on_a_local_tier(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    config = load_config(write_config(ROUTES))
    ledger = Ledger.for_config(config)
    new_key = KeyStore(ledger).create(user="alice", team="core")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "calc.py").write_text("def add(a, b):\n    return a - b\n", "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (tmp_path / "claude-home").mkdir()

    with GatewayServer(create_app(config, ledger, auth=KeyAuthenticator(ledger))) as server:
        started = time.perf_counter()
        result = subprocess.run(
            [str(CLAUDE), "-p", TASK, "--tools", "Read,Edit,Write", "--permission-mode", "acceptEdits", *JSON_OUT],
            cwd=repo,
            env=claude_env(tmp_path / "claude-home", server.url, new_key.token),
            capture_output=True,
            text=True,
            timeout=900,
        )
        seconds = time.perf_counter() - started

    assert result.returncode == 0, f"claude exited {result.returncode}: {result.stderr[-2000:]}{result.stdout[-2000:]}"
    outcome = json.loads(result.stdout)
    assert outcome["is_error"] is False and outcome["subtype"] == "success"
    rows = [dict(row) for row in ledger.db.query("SELECT * FROM calls ORDER BY rowid")]
    ledger.close()
    assert rows, "Claude Code made no call through the gateway"
    for row in rows:
        assert (row["source"], row["protocol"], row["tier"], row["status"]) == ("gateway", "anthropic", "local", "ok")
        assert row["client"].startswith("claude-cli/") and (row["user"], row["team"]) == ("alice", "core")
        assert row["key_id"] == new_key.key.id and row["partial"] == 0 and row["input_tokens"] > 0
    agent_calls = [r for r in rows if json.loads(r["request_json"])["tools"]]
    assert agent_calls, "no request offered Claude Code's tools"
    request = json.loads(agent_calls[0]["request_json"])
    assert {tool["name"] for tool in request["tools"]} == {"Read", "Edit", "Write"}
    assert request["max_tokens"] == 128  # the tier's ceiling; Claude Code asks for 64000
    assert TASK in "\n".join(m["content"] for m in request["messages"] if m["role"] == "user")
    print(
        f"claude -p: {seconds:.1f}s, {len(rows)} calls, prompt tokens "
        f"{[r['input_tokens'] for r in rows]}, output tokens {[r['output_tokens'] for r in rows]}"
    )


PREMIUM = """
[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-6"
base_url = "{upstream}"
"""


def test_claude_code_passes_through_to_an_anthropic_tier_unchanged(
    tmp_path: Path, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claude Code's default request (all its tools, its betas, thinking, cache_control) through a
    pass-through: the upstream — a loopback server speaking Anthropic's wire format, since the
    real API cannot be reached from here — gets the body exactly as Claude Code sent it, with the
    gateway's key. No model runs, so this one is fast."""
    events = MessageStreamEncoder(model="claude-sonnet-4-6", input_tokens=21000)
    stream = (
        events.start()
        + events.text("Done.")
        + events.finish(
            "end_turn", Usage(input_tokens=21000, output_tokens=2, cache_read_tokens=20000, input_includes_cache=False)
        )
    )
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-the-gateways-own")
    reply = Reply(200, stream, headers={"Content-Type": "text/event-stream"})
    with ScriptedServer({"/v1/messages": reply}) as upstream:
        config = load_config(write_config(PREMIUM.replace("{upstream}", upstream.url)))
        ledger = Ledger.for_config(config)
        new_key = KeyStore(ledger).create(user="carol")
        repo = tmp_path / "repo"
        repo.mkdir()
        (tmp_path / "claude-home").mkdir()
        with GatewayServer(create_app(config, ledger, auth=KeyAuthenticator(ledger))) as server:
            result = subprocess.run(
                [str(CLAUDE), "-p", "Say done.", "--model", "claude-sonnet-4-6"],
                cwd=repo,
                env=claude_env(tmp_path / "claude-home", server.url, new_key.token),
                capture_output=True,
                text=True,
                timeout=120,
            )
        seen = upstream.requests_to("/v1/messages")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Done." in result.stdout
    main = max(seen, key=lambda request: len(request.body))
    body = main.json()
    assert len(body["tools"]) >= 10 and body["stream"] is True and body["max_tokens"] >= 32000
    assert main.headers["x-api-key"] == "sk-ant-the-gateways-own"
    assert len(main.headers["anthropic-beta"].split(",")) >= 3
    assert any("cache_control" in block for block in body["system"])
    rows = [dict(row) for row in ledger.db.query("SELECT * FROM calls ORDER BY rowid")]
    ledger.close()
    assert len(rows) == len(seen)
    assert all(r["client"].startswith("claude-cli/") and r["user"] == "carol" and r["tier"] == "premium" for r in rows)
    assert max(r["cache_read_tokens"] for r in rows) == 20000 and all(r["cost_usd"] > 0 for r in rows)
