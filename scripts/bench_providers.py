"""What agentrunner adds to a call: raw SDK vs provider vs gateway (ledger row + pricing), per provider.

Each provider's API is played by the scripted loopback server of the tests (an instant answer), so
the numbers are pure client-side overhead. Baseline: the raw official SDK call in the same process.

    .venv/bin/python scripts/bench_providers.py [--calls 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests.support

import anthropic
import ollama
import openai

from agentrunner.chat import ChatRequest, Message
from agentrunner.config import parse_config
from agentrunner.gateway import CallContext, Gateway
from agentrunner.ledger import Ledger
from tests.support.scripted_http import Reply, ScriptedServer

OPENAI_OK = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1764158400,
    "model": "gpt-4o-mini-2024-07-18",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 8, "completion_tokens": 2, "total_tokens": 10},
}
OLLAMA_OK = {
    "model": "qwen3:8b",
    "created_at": "2026-11-26T12:00:00Z",
    "message": {"role": "assistant", "content": "pong"},
    "done": True,
    "done_reason": "stop",
    "prompt_eval_count": 8,
    "eval_count": 2,
}
ANTHROPIC_OK = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-6",
    "content": [{"type": "text", "text": "pong"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 8, "output_tokens": 2},
}


def per_call_ms(fn: Callable[[], object], calls: int, rounds: int = 3) -> float:
    """The best of ``rounds`` timed runs (the machine is shared: the minimum is the least noisy)."""
    for _ in range(5):  # warm up connections and imports
        fn()
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - started) * 1000 / calls)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    os.environ["ANTHROPIC_API_KEY"] = "sk-ant-bench"
    server = ScriptedServer(
        {
            "/v1/chat/completions": Reply(200, OPENAI_OK),
            "/v1/models": Reply(200, {"data": []}),
            "/api/chat": Reply(200, OLLAMA_OK),
            "/api/tags": Reply(200, {"models": [{"name": "qwen3:8b", "model": "qwen3:8b"}]}),
            "/v1/messages": Reply(200, ANTHROPIC_OK),
        }
    )
    toml = f"""
[tiers.box]
provider = "ollama"
model = "qwen3:8b"
host = "{server.url}"

[tiers.api]
provider = "openai"
model = "gpt-4o-mini"
base_url = "{server.url}/v1"

[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-6"
base_url = "{server.url}"
"""
    messages = [{"role": "user", "content": "ping"}]
    request = ChatRequest(messages=[Message(role="user", content="ping")], max_tokens=16)
    raw_openai = openai.OpenAI(api_key="x", base_url=f"{server.url}/v1", max_retries=0)
    raw_ollama = ollama.Client(host=server.url)
    raw_anthropic = anthropic.Anthropic(api_key="x", base_url=server.url, max_retries=0)
    raw: dict[str, Callable[[], object]] = {
        "api": lambda: raw_openai.chat.completions.create(model="gpt-4o-mini", messages=messages, max_tokens=16),  # type: ignore[arg-type]
        "box": lambda: raw_ollama.chat(model="qwen3:8b", messages=messages, options={"num_predict": 16}),
        "premium": lambda: raw_anthropic.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=16,
            messages=messages,  # type: ignore[arg-type]
        ),
    }
    with tempfile.TemporaryDirectory() as tmp:
        config = parse_config(toml, source_path=Path(tmp) / "routes.toml")
        gateway = Gateway(config, Ledger(Path(tmp) / "ledger.db"))
        print(
            f"{args.calls} calls each against an instant loopback server; ms per call, best of 3 (ratio to the raw SDK)"
        )
        print(f"{'tier':<9}{'provider':<11}{'raw SDK':>10}{'provider':>18}{'gateway+ledger':>22}")
        for tier in ("box", "api", "premium"):
            provider = gateway.provider(tier)
            baseline = per_call_ms(raw[tier], args.calls)
            alone = per_call_ms(lambda p=provider: p.complete(request), args.calls)
            through = per_call_ms(lambda t=tier: gateway.call(t, request, CallContext(step_kind="act")), args.calls)
            print(
                f"{tier:<9}{config.tiers[tier].provider:<11}{baseline:>10.2f}"
                f"{alone:>11.2f} ({alone / baseline:.2f}x){through:>14.2f} ({through / baseline:.2f}x)"
            )
        gateway.close()
    server.stop()


if __name__ == "__main__":
    main()
