"""``keys create|list|revoke``: the gateway's keys, one per person and tool."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from ..keys import KeyStore
from ._app import app, console, err_console, open_ledger
from ._options import finite

keys_app = typer.Typer(help="Keys for `agentrunner serve`: create (shown once), list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _when(stamp: str | None) -> str:
    return (stamp or "")[:16].replace("T", " ")


def _usd(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


@keys_app.command("create")
def create(
    user: Annotated[str, typer.Option("--user", help="Whose key: spend is counted (and capped) under this user.")],
    team: Annotated[str | None, typer.Option("--team", help="The user's team (team caps, reports).")] = None,
    daily_usd: Annotated[
        float | None, typer.Option("--daily-usd", callback=finite(0), help="This key's cap per UTC day, USD.")
    ] = None,
    monthly_usd: Annotated[
        float | None, typer.Option("--monthly-usd", callback=finite(0), help="This key's cap per UTC month, USD.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="A label, e.g. the tool or machine it is for.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the key and its settings as one JSON line.")] = False,
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    created = KeyStore(open_ledger()).create(
        user=user, team=team, daily_usd=daily_usd, monthly_usd=monthly_usd, name=name
    )
    if as_json:
        typer.echo(json.dumps({"key": created.token, **asdict(created.key)}))
        return
    typer.echo(created.token)
    err_console.print(
        f"key {created.key.id} for user {user}"
        + (f", team {team}" if team else "")
        + f" (daily {_usd(daily_usd)}, monthly {_usd(monthly_usd)}). "
        "It is shown only this once: store it now.",
        markup=False,
    )


@keys_app.command("list")
def list_keys(
    active: Annotated[bool, typer.Option("--active", help="Only keys not revoked.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Every key: id, user, team, caps, created, last used, revoked (never a secret)."""
    keys = KeyStore(open_ledger()).list(include_revoked=not active)
    if as_json:
        for key in keys:
            typer.echo(json.dumps(asdict(key)))
        return
    table = Table()
    for column in ("id", "name", "user", "team", "daily", "monthly", "created", "last used", "revoked"):
        table.add_column(column, no_wrap=column in ("id", "daily", "monthly", "created", "last used", "revoked"))
    for key in keys:
        table.add_row(
            key.id,
            key.name or "",
            key.user,
            key.team or "",
            _usd(key.daily_usd),
            _usd(key.monthly_usd),
            _when(key.created),
            _when(key.last_used) or "never",
            _when(key.revoked),
            style="dim" if key.revoked else None,
        )
    console.print(table)


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="Key id (or a unique prefix, or the key itself).")]) -> None:
    """Revoke a key: the gateway refuses it within a second (401)."""
    key = KeyStore(open_ledger()).revoke(key_id)
    typer.echo(f"revoked {key.id} (user {key.user}) at {key.revoked}")
