"""``init``, ``models`` and ``ask``."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..chat import ChatRequest, Message
from ..config import CONFIG_FILENAME
from ..errors import UsageError
from ..gateway import CallContext, Gateway
from ..pricing import cost_per_hour
from ._app import app, config_path, console, get_config, open_ledger

EXAMPLE_TASKS = files("agentrunner").joinpath("templates", "example.md")
EXAMPLE_INPUTS = files("agentrunner").joinpath("templates", "examples")  # the files example.md works on


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to write routes.toml and tasks/.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing routes.toml.")] = False,
) -> None:
    """Write routes.toml and tasks/ with an example to-do file, if missing."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / CONFIG_FILENAME
    if target.exists() and not force:
        console.print(f"{target} exists (use --force to overwrite)")
    else:
        target.write_text(files("agentrunner").joinpath("templates", "routes.toml").read_text("utf-8"), "utf-8")
        console.print(f"wrote {target}")
    tasks = directory / "tasks"
    tasks.mkdir(exist_ok=True)
    example = tasks / "example.md"
    if not example.exists() and EXAMPLE_TASKS.is_file():
        example.write_text(EXAMPLE_TASKS.read_text("utf-8"), "utf-8")
        console.print(f"wrote {example}")
    examples = directory / "examples"
    if not examples.exists() and EXAMPLE_INPUTS.is_dir():
        examples.mkdir()
        for source in EXAMPLE_INPUTS.iterdir():
            if source.is_file():
                (examples / source.name).write_bytes(source.read_bytes())
        console.print(f"wrote {examples}/ (the example's input files)")
    console.print("next: agentrunner models · agentrunner add \"…\" · agentrunner run")


def _price_text(tier_name: str) -> str:
    tier = get_config().tiers[tier_name]
    hourly = cost_per_hour(tier)
    if hourly is not None:
        return f"${hourly:g}/hour (local)"
    if tier.price is not None:
        return f"${tier.price.input_per_mtok:g} in / ${tier.price.output_per_mtok:g} out per Mtok (routes.toml)"
    return "genai-prices"


@app.command()
def models(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each tier: provider, model, whether it is available now (or why not), and its price."""
    config = get_config()
    gateway = Gateway(config, open_ledger(config))
    rows = []
    for name, tier in config.tiers.items():
        available = gateway.availability(name)
        rows.append(
            {
                "tier": name,
                "provider": tier.provider,
                "model": tier.model_path or tier.model,
                "available": available.ok,
                "reason": available.reason,
                "price": _price_text(name),
            }
        )
    if as_json:
        console.print_json(json.dumps(rows))
        return
    table = Table("tier", "provider", "model", "available", "price")
    for row in rows:
        status = "yes" if row["available"] else f"no: {row['reason']}"
        table.add_row(row["tier"], row["provider"], str(row["model"]), status, row["price"])
    console.print(table)


@app.command()
def ask(
    prompt: Annotated[str, typer.Argument(help="The prompt.")],
    tier: Annotated[str | None, typer.Option("--tier", "-t", help="Tier to use (default: cheapest available).")] = None,
    system: Annotated[str | None, typer.Option("--system", "-s", help="System prompt.")] = None,
    schema: Annotated[
        Path | None, typer.Option("--schema", help="JSON schema file: constrain the answer to it.")
    ] = None,
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", help="Cap on output tokens.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer and its ledger data as JSON.")] = False,
) -> None:
    """Send one prompt to one tier; the call is recorded in the ledger."""
    config = get_config()
    gateway = Gateway(config, open_ledger(config))
    if tier is None:
        tier = next((name for name in config.tiers if gateway.availability(name)), None)
        if tier is None:
            raise UsageError("no tier is available; `agentrunner models` says why")
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


__all__ = ["ask", "config_path", "init", "models"]
