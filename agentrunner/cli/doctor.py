"""``agentrunner doctor``: one line per check (config, tiers, run lock, ledger, state, disk)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ..doctor import run_doctor
from ._app import app, config_path, console

_STYLE = {"ok": "green", "warn": "yellow", "FAIL": "bold red"}


@app.command()
def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
    quick: Annotated[
        bool, typer.Option("--quick", help="PRAGMA quick_check instead of the full integrity_check (big ledgers).")
    ] = False,
    no_tiers: Annotated[bool, typer.Option("--no-tiers", help="Skip the tier availability checks.")] = False,
) -> None:
    """Check config, each tier, the run lock, ledger and state integrity, and disk space.

    Exit 0 when nothing FAILed (warnings allowed), 1 otherwise. Reads only: nothing is created.
    """
    report = run_doctor(config_path(), quick=quick, tiers=not no_tiers)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        width = max(len(check.name) for check in report.checks) + 1
        for check in report.checks:
            style = _STYLE[check.status]
            console.print(f"[{style}]{check.status:<4}[/{style}]  ", end="")
            console.print(f"{check.name:<{width}} {check.detail}", markup=False)
    raise typer.Exit(report.exit_code)
