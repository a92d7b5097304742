"""``agentrunner models``: each tier, whether it is available now, and its price."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from ..gateway import Gateway
from ..pricing import cost_per_hour
from ._app import app, console, get_config, open_ledger


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
    rows: list[dict[str, str | bool]] = []
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
        table.add_row(str(row["tier"]), str(row["provider"]), str(row["model"]), status, str(row["price"]))
    console.print(table)


__all__ = ["models"]
