"""``run``, ``add`` and ``status``: the to-do agent from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import AgentRunnerError
from ..queue import STATUSES, Queue
from ..todo import add_item, follow_link, today_file
from ._app import app, console, err_console, get_config
from ._options import MAX_COUNT, MAX_JOBS, finite


@app.command("run")
def run_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="To-do files or folders (default: every tasks/*.md).", show_default=False),
    ] = None,
    max_cost: Annotated[
        float | None,
        typer.Option(
            "--max-cost", callback=finite(0), help="Stop (exit 3) before this run would spend more (USD)."
        ),
    ] = None,
    max_items: Annotated[
        int | None, typer.Option("--max-items", min=0, max=MAX_COUNT, help="Work at most N items.")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=MAX_JOBS, help="Items worked in parallel.")] = 1,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Plan and route only: no model calls, no tools; costs estimated.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line (and errors).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary line.")] = False,
) -> None:
    """Work through the open items of to-do files; tick them done with a result link.

    Exit codes: 0 all done or nothing to do · 1 some failed · 2 usage/config error · 3 stopped by a
    budget (resumable) · 75 another run holds the lock · 130 interrupted (resumable).
    """
    config = get_config()
    # Imported here: the agent pulls in LangGraph (~0.5 s), which no other command needs.
    from ..runner import Runner, RunOptions, summary_json, summary_line
    from ._progress import BarProgress

    options = RunOptions(
        paths=list(paths or []),
        max_cost=max_cost,
        max_items=max_items,
        jobs=jobs,
        dry_run=dry_run,
        quiet=quiet,
        json_output=as_json,
    )
    summary = Runner(config, options, progress=BarProgress(quiet=quiet or as_json)).run()
    if as_json:
        typer.echo(summary_json(summary))
    else:
        for warning in summary.warnings:
            err_console.print(f"warning: {warning}", markup=False)
        console.print(summary_line(summary), markup=False)
    raise typer.Exit(summary.exit_code)


@app.command("add")
def add_command(
    text: Annotated[str, typer.Argument(help="The to-do item's text (hints like #premium or ~$0.50 allowed).")],
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="To-do file to append to (default: tasks/YYYY-MM-DD.md).")
    ] = None,
) -> None:
    """Append an open item to today's to-do file (created with a heading if missing)."""
    config = get_config()
    target = file or today_file(config.tasks_dir)
    follow_link(target, [config.workspace, config.base_dir])
    item = add_item(target, text)
    console.print(f"added to {target}:{item.line_number}: - [ ] {item.text}", markup=False)


@app.command("status")
def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The queue: items per to-do file and status, with the cost so far."""
    config = get_config()
    if not config.state_path.exists():
        data: dict[str, object] = {"files": {}, "totals": {s: 0 for s in STATUSES} | {"items": 0, "cost_usd": 0.0}}
    else:
        queue = Queue(config.state_path)
        try:
            data = queue.summary()
        finally:
            queue.close()
    if as_json:
        typer.echo(json.dumps(data))
        return
    table = Table("file", *STATUSES, "cost")
    files = data["files"]
    assert isinstance(files, dict)
    for name, row in files.items():
        table.add_row(name, *(str(row[s]) for s in STATUSES), f"${row['cost_usd']:.4f}")
    totals = data["totals"]
    assert isinstance(totals, dict)
    table.add_row("total", *(str(totals[s]) for s in STATUSES), f"${totals['cost_usd']:.4f}")
    console.print(table)


__all__ = ["AgentRunnerError", "add_command", "run_command", "status_command"]
