"""``report`` (spend, premium share, cost per done item, run rate, what-if) and ``budget``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..budgets import budget_status
from ..config import Config
from ..errors import UsageError
from ..ledger import Ledger
from ..reports import DIMENSIONS, build_report, resolve_window
from ..reports.budget import latest_run_id, local_time, status_rows
from ..reports.render import money, print_report, report_csv, report_json, team_table
from ..reports.team import TEAM_DIMENSIONS, every_cap, team_rows
from ._app import app, console, get_config, open_ledger

BUDGET_EXHAUSTED_EXIT = 3


@app.command()
def report(
    since: Annotated[
        str | None,
        typer.Option("--since", help="Window start: an age (30m, 12h, 1.5d, 2w) or an ISO date/time (default 30d)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Window end: an age or an ISO date/time (default now).")
    ] = None,
    from_date: Annotated[
        str | None, typer.Option("--from", help="First local date YYYY-MM-DD (inclusive).")
    ] = None,
    to_date: Annotated[str | None, typer.Option("--to", help="Last local date YYYY-MM-DD (inclusive).")] = None,
    by: Annotated[str, typer.Option("--by", help=f"Group work by: {', '.join(DIMENSIONS)}.")] = "tier",
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole report as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print one CSV row per --by group.")] = False,
    html_file: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML report with charts here.")
    ] = None,
) -> None:
    """Spend, tokens, premium share, cost per done item, run rate and the all-premium what-if."""
    if as_json and as_csv:
        raise UsageError("use either --json or --csv, not both")
    by = by.strip().lower().replace("_", "-")
    if by not in DIMENSIONS:
        raise UsageError(f"--by {by!r}: expected one of {', '.join(DIMENSIONS)}")
    window = resolve_window(since, from_date, to_date, until=until)
    config = get_config()
    ledger = open_ledger(config)
    result = build_report(config, ledger, window, by=by)
    team = team_rows(config, ledger, result) if by in TEAM_DIMENSIONS else None
    if html_file is not None:
        from ..reports.html import write_html  # matplotlib is imported only when needed

        try:
            write_html(result, html_file, team=team)
        except OSError as exc:
            raise UsageError(f"{html_file}: cannot write: {exc.strerror or exc}") from None
    if as_json:
        typer.echo(report_json(result, team=team))
    elif as_csv:
        typer.echo(report_csv(result), nl=False)
    else:
        print_report(result, console)
        if team:
            console.print()
            console.print(team_table(by, team))
        if html_file is not None:
            console.print(f"wrote {html_file}", markup=False)


@app.command()
def budget(
    run: Annotated[
        str | None, typer.Option("--run", help="Run id for the per-run cap (default: the latest run).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    everyone: Annotated[
        bool, typer.Option("--all", help="Every user's and team's caps (a team's ledger), not only yours.")
    ] = False,
) -> None:
    """Each budget cap: spent, reserved, left and when it resets. Exit 3 when any is exhausted."""
    config = get_config()
    ledger = open_ledger(config)
    if everyone:
        print_every_cap(config, ledger, as_json=as_json)
        return
    run_id = run or latest_run_id(ledger)
    statuses = budget_status(config, ledger, run_id=run_id)
    rows = status_rows(statuses, run_id=run_id)
    if as_json:
        typer.echo(json.dumps({"run_id": run_id, "caps": rows}, indent=2))
    elif not statuses:
        console.print("no budget caps apply: set per_run_usd, daily_usd or monthly_usd under [budgets]")
    else:
        title = f"per_run = run {run_id}" if run_id and any(s.name == "per_run" for s in statuses) else None
        table = Table(
            "cap", "limit", "spent", "reserved", "left", "used", "resets", "status", title=title, title_justify="left"
        )
        for column in table.columns[1:6]:
            column.justify = "right"
        for s in statuses:
            table.add_row(
                s.name,
                money(s.cap_usd),
                money(s.spent_usd),
                money(s.reserved_usd),
                money(s.left_usd),
                f"{s.fraction * 100:.0f}%",
                local_time(s.resets_at),
                "EXHAUSTED" if s.exhausted else ("warning" if s.fraction >= config.budgets.warn_at else "ok"),
            )
        console.print(table)
    exhausted = [s.name for s in statuses if s.exhausted]
    if exhausted:
        if not as_json:
            console.print(f"exhausted: {', '.join(exhausted)}", markup=False)
        raise typer.Exit(BUDGET_EXHAUSTED_EXIT)


def print_every_cap(config: Config, ledger: Ledger, *, as_json: bool) -> None:
    """``budget --all``: one row per user/team cap (exit 0: one person's exhausted cap is not yours)."""
    caps = every_cap(config, ledger)
    if as_json:
        typer.echo(json.dumps([{"who": who, **status_rows([s])[0]} for who, s in caps], indent=2))
        return
    if not caps:
        console.print("no user or team caps: set per_user_daily_usd or per_team_monthly_usd under [budgets]")
        return
    table = Table("who", "cap", "limit", "spent", "reserved", "left", "used", "resets", "status")
    for column in table.columns[2:7]:
        column.justify = "right"
    for who, s in caps:
        table.add_row(
            who,
            s.name,
            money(s.cap_usd),
            money(s.spent_usd),
            money(s.reserved_usd),
            money(s.left_usd),
            f"{s.fraction * 100:.0f}%",
            local_time(s.resets_at),
            "EXHAUSTED" if s.exhausted else ("warning" if s.fraction >= config.budgets.warn_at else "ok"),
        )
    console.print(table)
