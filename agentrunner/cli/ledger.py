"""``ledger list|show|export|stats|path``."""

from __future__ import annotations

import csv
import json
import os
import sys
from typing import Annotated, Literal

import typer
from rich.table import Table

from ..errors import UsageError
from ..timerange import TimeRange
from ._app import app, console, get_config, open_ledger
from ._options import MAX_COUNT

ledger_app = typer.Typer(help="Browse and export the ledger of model calls.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")

LIST_COLUMNS = ("id", "ts_start", "tier", "model", "step_kind", "status", "input_tokens", "output_tokens", "cost_usd")


@ledger_app.command("list")
def list_calls(
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=MAX_COUNT, help="How many of the latest calls.")
    ] = 20,
    run: Annotated[str | None, typer.Option("--run", help="Only calls of this run id.")] = None,
    status: Annotated[Literal["ok", "error"] | None, typer.Option("--status", help="ok or error.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only calls since: an age (30m, 12h, 1.5d, 2w) or an ISO date/time.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only calls before: an age or an ISO date/time.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """The latest calls, newest first."""
    window = TimeRange.parse(since, until)
    rows = open_ledger().latest_calls(
        limit, columns=LIST_COLUMNS, run_id=run, status=status, since=window.since, until=window.until
    )
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row))
        return
    table = Table(*LIST_COLUMNS)
    for row in rows:
        cost = row["cost_usd"]
        table.add_row(
            *[str(row[c]) if row[c] is not None else "" for c in LIST_COLUMNS[:-1]],
            "unpriced" if cost is None and row["status"] == "ok" else (f"{cost:.6f}" if cost is not None else ""),
        )
    console.print(table)


@ledger_app.command("show")
def show(call_id: Annotated[str, typer.Argument(help="Call id (or a unique prefix).")]) -> None:
    """Every field of one call."""
    row = open_ledger().get_call(call_id)
    if row is None:
        raise UsageError(f"no call with id {call_id!r} in the ledger")
    console.print_json(json.dumps(row, ensure_ascii=False))


@ledger_app.command("export")
def export(
    fmt: Annotated[Literal["jsonl", "csv"], typer.Option("--format", "-f", help="jsonl or csv.")] = "jsonl",
) -> None:
    """Every call to stdout, oldest first, streamed."""
    rows = open_ledger().iter_calls()
    if fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)


@ledger_app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Totals: calls, errors, tokens, cost, unpriced calls, per tier."""
    data = open_ledger().stats()
    if as_json:
        console.print_json(json.dumps(data))
        return
    for key, value in data.items():
        if key != "by_tier":
            console.print(f"{key:16} {value}")
    for tier, values in data["by_tier"].items():
        console.print(f"  {tier:14} {values['calls']} calls  ${values['cost_usd']:.6f}")


@ledger_app.command("push")
def push_rows(
    to: Annotated[
        str | None,
        typer.Option("--to", help="The team's postgresql:// URL (default: AGENTRUNNER_LEDGER_URL or [ledger] url)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only rows since: an age (30m, 12h, 1.5d, 2w) or an ISO date/time.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only rows before: an age or an ISO date/time.")] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, max=100_000, help="Rows per transaction.")] = 2000,
) -> None:
    """Copy this machine's SQLite ledger into the team's PostgreSQL ledger (idempotent: run it again
    any time; rows already there are skipped)."""
    from ..ledger import URL_ENV, Ledger
    from ..push import push

    config = get_config()
    url = to or os.environ.get(URL_ENV) or config.ledger.url
    if not url:
        raise UsageError(f"ledger push: no team ledger: pass --to postgresql://… or set {URL_ENV} or [ledger] url")
    if not config.ledger_path.exists():
        typer.echo(f"{config.ledger_path}: no local ledger, nothing to push")
        return
    window = TimeRange.parse(since, until)
    local = Ledger(config.ledger_path, redact=config.ledger.patterns())
    target = Ledger(url, redact=config.ledger.patterns())
    result = push(
        local,
        target,
        state_path=config.data_dir / "push-state.json",
        window=window if (since or until) else None,
        user=config.ledger.user or None,
        team=config.ledger.team or None,
        batch_rows=batch,
    )
    typer.echo(result.line())


@ledger_app.command("path")
def path() -> None:
    """Where the ledger database is."""
    typer.echo(str(get_config().ledger_path))
