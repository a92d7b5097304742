"""``agentrunner ask``: one prompt to one tier, recorded in the ledger."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..chat import ChatRequest, Message
from ..errors import UsageError
from ..gateway import CallContext, Gateway
from ._app import app, console, get_config, open_ledger
from ._options import MAX_COUNT


@app.command()
def ask(
    prompt: Annotated[str, typer.Argument(help="The prompt.")],
    tier: Annotated[str | None, typer.Option("--tier", "-t", help="Tier to use (default: cheapest available).")] = None,
    system: Annotated[str | None, typer.Option("--system", "-s", help="System prompt.")] = None,
    schema: Annotated[
        Path | None, typer.Option("--schema", help="JSON schema file: constrain the answer to it.")
    ] = None,
    max_tokens: Annotated[
        int | None,
        typer.Option(
            "--max-tokens", min=1, max=MAX_COUNT, help="Cap on output tokens (at most the tier's max_tokens)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer and its ledger data as JSON.")] = False,
) -> None:
    """Send one prompt to one tier; the call is recorded in the ledger."""
    config = get_config()
    gateway = Gateway(config, open_ledger(config))
    if tier is None:
        tier = next((name for name in config.tiers if gateway.availability(name)), None)
        if tier is None:
            raise UsageError("no tier is available; `agentrunner models` says why")
    tier_config = config.tiers.get(tier)
    if max_tokens is not None and tier_config is not None and max_tokens > tier_config.max_tokens:
        raise UsageError(
            f"--max-tokens {max_tokens} is more than tier {tier!r} allows "
            f"(max_tokens = {tier_config.max_tokens} in routes.toml)"
        )
    json_schema = None
    if schema is not None:
        try:
            json_schema = json.loads(schema.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise UsageError(f"{schema}: cannot read JSON schema: {exc}") from None
    messages = [Message(role="system", content=system)] if system else []
    messages.append(Message(role="user", content=prompt))
    request = ChatRequest(messages=messages, json_schema=json_schema, max_tokens=max_tokens)
    response = gateway.call(tier, request, CallContext(step_kind="act", route_reason="ask --tier"))
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "tier": tier,
                    "text": response.text,
                    "call_id": response.call_id,
                    "input_tokens": response.usage.input_tokens,
                    "output_tokens": response.usage.output_tokens,
                    "cost_usd": response.cost_usd,
                    "latency_ms": round(response.latency_ms, 1),
                    "finish_reason": response.finish_reason,
                }
            )
        )
        return
    console.print(response.text, markup=False)
    cost = "unpriced" if response.cost_usd is None else f"${response.cost_usd:.6f}"
    console.print(
        f"[dim]{tier} · {response.usage.input_tokens} in / {response.usage.output_tokens} out · "
        f"{response.latency_ms / 1000:.1f}s · {cost} · call {response.call_id}[/dim]"
    )


__all__ = ["ask"]
