"""``import claude-code|codex|gemini|llm [PATH…]``: other tools' history into the ledger."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..importers import IMPORTERS, ImportSummary, run_import
from ..importers._common import DEFAULT_MAX_REQUEST_CHARS
from ..timerange import TimeRange
from ._app import app, console, get_config
from ._options import MAX_COUNT

import_app = typer.Typer(
    help="Import history from Claude Code, Codex CLI, Gemini CLI or llm into the ledger "
    "(re-importing the same files adds nothing).",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or directories to read (default: the tool's usual location).", show_default=False),
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Only calls from then on: an ISO date/time (2025-06-01) or an age (90d).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Only calls before then: an ISO date/time or an age (30m, 1.5d, 2w).")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Read and report, write nothing (compares our price with the tool's).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
MaxCharsOption = Annotated[
    int,
    typer.Option(
        "--max-request-chars",
        min=0,
        max=MAX_COUNT,
        help="Rebuild and store a call's request only up to this many characters; longer ones are "
        "kept as not replayable.",
    ),
]


def _run(
    tool: str,
    paths: list[Path] | None,
    since: str | None,
    until: str | None,
    dry_run: bool,
    as_json: bool,
    max_chars: int,
) -> None:
    config = get_config()
    window = TimeRange.parse(since, until)
    summary = run_import(
        tool,
        paths or [],
        config=config,
        since=window.since,
        until=window.until,
        dry_run=dry_run,
        max_request_chars=max_chars,
    )
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2))
        return
    for line in summary_lines(summary):
        console.print(line, markup=False)


def _calls(count: int | float) -> str:
    return f"{int(count)} call" if int(count) == 1 else f"{int(count)} calls"


def _money(value: float) -> str:
    return f"${value:,.6f}" if abs(value) < 1 else f"${value:,.2f}"


def summary_lines(summary: ImportSummary) -> list[str]:
    """The human summary of one import."""
    verb = "would add" if summary.dry_run else "added"
    title = f"import {summary.tool}{' (dry run: nothing written)' if summary.dry_run else ''}"
    files = "1 file" if summary.files_read == 1 else f"{summary.files_read} files"
    lines = [f"{title}: {files} read from {', '.join(summary.paths)}"]
    lines.append(f"  calls found     {summary.calls_found}")
    lines.append(f"  rows {verb:<10} {summary.rows_added}  (source {summary.source})")
    lines.append(
        f"  duplicates      {summary.duplicates_skipped} skipped "
        f"({summary.in_source_duplicates} repeated in the files, {summary.already_in_ledger} already in the ledger)"
    )
    malformed = f"  malformed       {summary.malformed_lines}"
    if summary.malformed_examples:
        malformed += f"  e.g. {summary.malformed_examples[0]}"
    lines.append(malformed)
    for reason, count in summary.skipped.items():
        lines.append(f"  skipped         {count} {reason}")
    for problem in summary.unreadable_files:
        lines.append(f"  unreadable      {problem}")
    if summary.unpriced_calls:
        models = ", ".join(f"{model} ({count})" for model, count in summary.unpriced_models.items())
        lines.append(f"  unpriced        {_calls(summary.unpriced_calls)}: {models}")
    else:
        lines.append("  unpriced        0")
    if summary.first_ts and summary.last_ts:
        lines.append(f"  dates           {summary.first_ts[:10]} … {summary.last_ts[:10]}")
    cost = f"  cost            {_money(summary.cost_usd)} (genai-prices at each call's date)"
    if summary.source_cost_usd is not None:
        cost += (
            f"; the tool's own record: {_money(summary.source_cost_usd)} "
            f"for the {_calls(summary.source_cost_calls)} that carry one"
        )
    lines.append(cost)
    if summary.rows_added:
        lines.append(f"  replayable      {summary.replayable_rows} of {summary.rows_added} rows")
    for model, values in list(summary.by_model.items())[:10]:
        unpriced = summary.unpriced_models.get(model, 0)
        cost = "unpriced" if unpriced == values["calls"] else _money(values["cost_usd"])
        if 0 < unpriced < values["calls"]:
            cost += f" (+{unpriced} unpriced)"
        lines.append(f"    {model:<32} {_calls(values['calls']):>11}  {cost}")
    if summary.cost_differences:
        lines.append("  our price vs the tool's recorded cost:")
        for difference in summary.cost_differences:
            lines.append(
                f"    {difference.model:<32} {_calls(difference.calls):>11}  ours {_money(difference.our_cost_usd)}"
                f"  theirs {_money(difference.tool_cost_usd)}  diff {difference.difference_usd:+.6f}"
            )
    return lines


def _command(tool: str) -> None:
    importer = IMPORTERS[tool]

    def command(
        paths: PathsArgument = None,
        since: SinceOption = None,
        until: UntilOption = None,
        dry_run: DryRunOption = False,
        as_json: JsonOption = False,
        max_request_chars: MaxCharsOption = DEFAULT_MAX_REQUEST_CHARS,
    ) -> None:
        _run(tool, paths, since, until, dry_run, as_json, max_request_chars)

    defaults = ", ".join(str(p).replace(str(Path.home()), "~", 1) for p in importer.default_paths())
    command.__doc__ = f"Import {importer.title} (default: {defaults})."
    import_app.command(tool)(command)


for _tool in IMPORTERS:
    _command(_tool)
