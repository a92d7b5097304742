"""``agentrunner route "instruction"``: explain which tier a step would get, stage by stage.

No model call is made and no reservation is kept: the budget stage only checks whether the worst
case would fit.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from ..config import StepKind
from ..errors import UsageError
from ..gateway import Gateway
from ..router import Router, Step
from ._app import app, console, get_config, open_ledger
from ._options import MAX_COUNT, finite


def _split(values: list[str] | None) -> list[str]:
    """``--tags a,b --tags c`` → ``["a", "b", "c"]``; a leading ``#`` is dropped."""
    return [part.strip().lstrip("#") for value in values or [] for part in value.split(",") if part.strip()]


@app.command()
def route(
    instruction: Annotated[str, typer.Argument(help="What the model would be asked.")],
    kind: Annotated[StepKind, typer.Option("--kind", "-k", help="Step kind.")] = "act",
    tags: Annotated[
        list[str] | None, typer.Option("--tags", "-t", help="Item tags, comma-separated (a tier name forces it).")
    ] = None,
    files: Annotated[
        list[str] | None, typer.Option("--files", "-f", help="Files the step touches, comma-separated.")
    ] = None,
    prompt_tokens: Annotated[
        int | None,
        typer.Option("--prompt-tokens", min=0, max=MAX_COUNT, help="Prompt size (default: estimated from the text)."),
    ] = None,
    max_tokens: Annotated[
        int | None,
        typer.Option("--max-tokens", min=1, max=MAX_COUNT, help="Output cap (default: each tier's max_tokens)."),
    ] = None,
    needs_json: Annotated[bool, typer.Option("--needs-json", help="The step needs JSON output.")] = False,
    needs_tools: Annotated[bool, typer.Option("--needs-tools", help="The step needs tool calls.")] = False,
    cost_cap: Annotated[
        float | None, typer.Option("--cost-cap", callback=finite(0), help="The item's own cost cap in USD (~$0.50).")
    ] = None,
    run_id: Annotated[str | None, typer.Option("--run", help="Check the per-run cap of this run id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
) -> None:
    """Explain a routing decision: each stage with its verdict, the score, the tier, the worst-case cost."""
    if not instruction.strip():
        raise UsageError("the instruction is empty")
    config = get_config()
    ledger = open_ledger(config)
    gateway = Gateway(config, ledger)
    try:
        router = Router(config, ledger, gateway.availability, run_id=run_id)
        step = Step(
            instruction=instruction,
            kind=kind,
            tags=_split(tags),
            files=_split(files),
            prompt_tokens=prompt_tokens,
            max_tokens=max_tokens,
            needs_json=needs_json,
            needs_tools=needs_tools,
            cost_cap_usd=cost_cap,
        )
        decision = router.choose(step, reserve=False)
    finally:
        gateway.close()
    if as_json:
        data = asdict(decision)
        data.pop("reservation_id")
        data["threshold"] = config.router.threshold
        data["classifier"] = config.router.classifier
        console.print_json(json.dumps(data))
        return
    table = Table("stage", "verdict", "tier", "detail")
    for stage in decision.stages:
        table.add_row(stage.stage, stage.verdict, stage.tier or "-", stage.detail)
    console.print(table, markup=False)
    score = "-" if decision.score is None else f"{decision.score:.2f} (threshold {config.router.threshold:.2f})"
    worst = "unknown (unpriced)" if decision.worst_case_usd is None else f"${decision.worst_case_usd:.6f}"
    console.print(f"tier:       {decision.tier}", markup=False)
    console.print(f"score:      {score}", markup=False)
    console.print(f"worst case: {worst}", markup=False)
    console.print(f"reason:     {decision.reason}", markup=False)
    console.print(f"escalation: {' → '.join(decision.fallbacks) or 'none'}", markup=False)
