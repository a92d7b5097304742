"""``compare`` and ``tune``: which configuration does the same work for less, on your own history
(replay of the ledger) or on an outcome dataset (``--dataset``, no model calls)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..config import Config, find_config, load_config
from ..errors import UsageError
from ..replay.compare import (
    TABLE_COLUMNS,
    CompareReport,
    candidates_from_paths,
    compare_ledger,
    count_for_progress,
    format_cost,
    table_cells,
    to_csv,
)
from ..replay.engine import Candidate, ReplayEngine, item_tags
from ..replay.estimate import estimate_replay
from ..replay.html import write_html
from ..replay.limits import MAX_CONCURRENCY, Limiters
from ..replay.outcome_eval import COST_USD, compare_dataset, load_dataset, parse_tier_models
from ..replay.resume import fingerprint, finish_replay_run, start_replay_run, with_max_cost
from ..replay.scorers import DEFAULT_RUBRIC, JudgeCall, ScorerSet
from ..replay.select import Selection
from ..replay.tune import (
    DatasetEvaluator,
    LedgerEvaluator,
    Space,
    TuneResult,
    comment_block,
    tune,
    write_tuned,
)
from ._app import app, config_path, console, err_console, get_config, open_ledger
from ._options import MAX_COUNT, MAX_SEED, finite, step_kinds

SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Only calls since: an age (30m, 12h, 1.5d, 2w) or an ISO date/time.")
]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Only calls before: an age or an ISO date/time.")]
RunOpt = Annotated[str | None, typer.Option("--run", help="Only calls of this run id.")]
TaskOpt = Annotated[str | None, typer.Option("--task", help="Only calls of this item (task id).")]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--step-kind", callback=step_kinds, help="Only these step kinds (repeatable): plan, act, verify, …"
    ),
]
SourceOpt = Annotated[
    str | None,
    typer.Option("--source", help="Only calls from this source (agentrunner, import:claude-code, import:*)."),
]
LimitOpt = Annotated[
    int | None, typer.Option("--limit", min=1, max=MAX_COUNT, help="At most this many calls (the oldest first).")
]
SampleOpt = Annotated[
    int | None, typer.Option("--sample", min=1, max=MAX_COUNT, help="A random sample of this many calls.")
]
SeedOpt = Annotated[
    int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed for --sample and tune's split and restarts.")
]
ScorerOpt = Annotated[
    str | None,
    typer.Option(
        "--scorer",
        help="Scorer for every call: auto, exact, normalised, json[:partial], contains, regex:PATTERN, numeric, "
        "similarity, judge:TIER (default: routes.toml \\[scorers] per step kind, else auto).",
    ),
]
RubricOpt = Annotated[str | None, typer.Option("--rubric", help="The judge's rubric (text).")]
FloorOpt = Annotated[
    float, typer.Option("--quality-floor", callback=finite(0, 1), help="Quality a configuration must keep (0..1).")
]
DatasetOpt = Annotated[
    Path | None, typer.Option("--dataset", help="Evaluate on this outcome dataset (JSONL) instead of the ledger.")
]
TierModelOpt = Annotated[
    list[str] | None,
    typer.Option("--tier-model", help="With --dataset: TIER=MODEL, the dataset model a tier stands for (repeatable)."),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Call the models even when an answer is cached.")]
MaxCostOpt = Annotated[
    float | None,
    typer.Option("--max-cost", callback=finite(0),
                 help="Stop (exit 3) before this replay would spend more (USD), counting what a resumed one spent."),
]
ResumeOpt = Annotated[
    str | None,
    typer.Option("--resume", help="Continue this replay run (default: the last unfinished run of the same command)."),
]
ConcurrencyOpt = Annotated[
    int | None,
    typer.Option(
        "--concurrency", min=1, max=MAX_CONCURRENCY,
        help="Parallel requests per tier (default: each tier's max_concurrency in routes.toml, else 1; "
        "an in-process llama-cpp tier always 1).",
    ),
]


def _selection(
    since: str | None,
    until: str | None,
    run: str | None,
    task: str | None,
    step_kind: list[str] | None,
    source: str | None,
    limit: int | None,
    sample: int | None,
    seed: int,
) -> Selection:
    return Selection(
        since=since, until=until, run=run, task=task, step_kind=list(step_kind or []), source=source, limit=limit,
        sample=sample, seed=seed,
    )


def _scorer_factory(
    config: Config, scorer: str | None, rubric: str | None
) -> Callable[[Callable[[str], JudgeCall]], ScorerSet]:
    def make(judge_call: Callable[[str], JudgeCall]) -> ScorerSet:
        return ScorerSet(
            config.scorers,
            scorer,
            judge_call=judge_call,
            default_judge_tier=config.premium_tier,
            rubric=rubric or DEFAULT_RUBRIC,
        )

    return make


def _main_config_or(first: Path) -> Config:
    """The invocation's routes.toml (ledger, [scorers], judge tiers); the first compared file when
    there is none."""
    if config_path() is None and not find_config().exists():
        return load_config(first)
    return get_config()


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr, only on a terminal and only for long replays."""
    if not sys.stderr.isatty() or total < 20:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


PROGRESS_LINE_EVERY_S = 10.0


@contextmanager
def _replay_progress(total: int, paid: Callable[[], float]) -> Iterator[Callable[[int], None] | None]:
    """Progress of a replay on stderr: done/total, calls per second, ETA and the money spent so far.
    A bar on a terminal; otherwise (logs, CI) a plain line every 10 seconds."""
    if total < 20:
        yield None
        return
    started = time.monotonic()

    def figures(done: int) -> tuple[str, str, str]:
        elapsed = max(time.monotonic() - started, 1e-9)
        rate = done / elapsed
        eta = "-" if rate <= 0 else _duration((total - done) / rate)
        return f"{rate:.1f}/s", f"ETA {eta}", f"paid ${paid():.6f}"

    if not sys.stderr.isatty():
        last = [started]

        def line(done: int) -> None:
            now = time.monotonic()
            # every 10 s, and the last one if any was shown (a short replay prints nothing)
            if now - last[0] >= PROGRESS_LINE_EVERY_S or (done == total and last[0] > started):
                last[0] = now
                err_console.print(f"replaying {done}/{total} · " + " · ".join(figures(done)), markup=False,
                                  highlight=False)

        yield line
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[figures]}"),
        console=err_console, transient=True,
    ) as bar:
        task = bar.add_task("replaying", total=total, figures="")
        yield lambda done: bar.update(task, completed=done, figures=" · ".join(figures(done)))


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _print_table(rows: list[dict[str, Any]], title: str, cost_unit: str = COST_USD) -> None:
    columns = list(TABLE_COLUMNS)
    if cost_unit != COST_USD:
        columns[3] = "cost (strong share)"
        columns[7] = "done/cost"
    table = Table(*columns, title=title, title_justify="left")
    for row in rows:
        cells = table_cells({**row, "cost_usd": row.get("cost", row["cost_usd"])}, cost_unit)
        table.add_row(*cells)
    console.print(table)


@app.command()
def compare(
    configs: Annotated[list[Path], typer.Argument(help="Configurations (routes.toml files) to compare.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    run: RunOpt = None,
    task: TaskOpt = None,
    step_kind: KindOpt = None,
    source: SourceOpt = None,
    limit: LimitOpt = None,
    sample: SampleOpt = None,
    seed: SeedOpt = 0,
    scorer: ScorerOpt = None,
    rubric: RubricOpt = None,
    quality_floor: FloorOpt = 0.95,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML report to this file.")] = None,
    outcomes_out: Annotated[
        Path | None, typer.Option("--outcomes-out", help="Write the outcome dataset (JSONL) for `router train`.")
    ] = None,
    dataset: DatasetOpt = None,
    tier_model: TierModelOpt = None,
    no_cache: NoCacheOpt = False,
    concurrency: ConcurrencyOpt = None,
    max_cost: MaxCostOpt = None,
    resume: ResumeOpt = None,
    estimate: Annotated[
        bool, typer.Option("--estimate", help="Only estimate each configuration's calls, tokens, cost and time; "
                           "call nothing.")
    ] = False,
    stop_when_decided: Annotated[
        bool, typer.Option("--stop-when-decided", help="With --sample: stop once every configuration's quality "
                           "interval is entirely above or below the floor.")
    ] = False,
) -> None:
    """Replay history through each configuration: cost, quality vs the recorded answers, per tier."""
    for path in configs:
        if not path.exists():
            raise UsageError(f"{path}: no such configuration file")
    if not 0.0 <= quality_floor <= 1.0:
        raise UsageError(f"--quality-floor must be between 0 and 1, got {quality_floor}")
    if dataset is not None:
        ledger_only = {
            "--since": since, "--until": until, "--run": run, "--task": task, "--step-kind": step_kind,
            "--source": source, "--limit": limit, "--sample": sample, "--scorer": scorer, "--rubric": rubric,
            "--outcomes-out": outcomes_out, "--no-cache": no_cache, "--concurrency": concurrency,
            "--max-cost": max_cost, "--resume": resume, "--estimate": estimate,
            "--stop-when-decided": stop_when_decided,
        }
        given = [name for name, value in ledger_only.items() if value]
        if given:
            raise UsageError(f"{', '.join(given)}: only for replays of the ledger, not with --dataset")
        _compare_dataset(configs, dataset, tier_model or [], quality_floor, as_json, as_csv, html)
        return
    if tier_model:
        raise UsageError("--tier-model only applies with --dataset")
    candidates = candidates_from_paths(configs)
    main = _main_config_or(configs[0])
    ledger = open_ledger(main)
    selection = _selection(since, until, run, task, step_kind, source, limit, sample, seed)
    if stop_when_decided and sample is None:
        raise UsageError("--stop-when-decided needs --sample N (the most calls to replay)")
    if estimate:
        _estimate(ledger, candidates, selection, no_cache, concurrency, main, as_json)
        return
    selection.interleave = stop_when_decided
    fp = fingerprint("compare", selection, candidates, scorer=scorer, rubric=rubric, no_cache=no_cache)
    replay_run = start_replay_run(ledger, "compare", fp, config=main, resume=resume,
                                  args={"configs": [str(p) for p in configs], "selection": selection.describe()})
    if replay_run.lost.calls:
        err_console.print(replay_run.lost.describe(), markup=False, highlight=False)
    if replay_run.resumed:
        err_console.print(replay_run.describe(), markup=False, highlight=False)
    capped = [Candidate(c.name, with_max_cost(c.config, max_cost)) for c in candidates]
    engine = ReplayEngine(
        ledger,
        capped,
        _scorer_factory(main, scorer, rubric),
        use_cache=not no_cache,
        run_id=replay_run.id,
        judge_config=main,
        state_path=main.state_path,
        concurrency=concurrency,
        resuming=replay_run.resumed,
    )
    try:
        total = count_for_progress(ledger, selection)
        with _replay_progress(total, lambda: engine.paid_usd) as progress:
            report = compare_ledger(
                engine,
                selection,
                floor=quality_floor,
                outcomes_out=outcomes_out,
                keep_details=html is not None,
                state_path=main.state_path,
                progress=progress,
                stop_when_decided=stop_when_decided,
            )
    except UsageError as exc:  # nothing to replay: a finished run, not one to resume
        finish_replay_run(ledger, replay_run, {"error": str(exc)}, exit_code=exc.exit_code)
        raise
    finally:
        engine.close()
    finish_replay_run(ledger, replay_run, {"rows": report.rows})
    _emit(report, as_json, as_csv, html, outcomes_out)


def _estimate(
    ledger: Any, candidates: list[Candidate], selection: Selection, no_cache: bool, concurrency: int | None,
    main: Config, as_json: bool,
) -> None:
    estimates, notes = estimate_replay(ledger, candidates, selection, use_cache=not no_cache,
                                       concurrency=concurrency, tags_of=item_tags(main.state_path))
    if not any(e.calls for e in estimates):
        raise UsageError(f"no replayable calls match ({selection.describe()}); see `agentrunner ledger list`")
    if as_json:
        typer.echo(json.dumps({"selection": selection.describe(), "estimates": [e.as_dict() for e in estimates],
                               "notes": notes}, ensure_ascii=False, indent=2))
        return
    table = Table("config", "calls", "cached", "to call", "by tier", "input tok", "output tok", "expected $",
                  "expected time", title=f"estimate · {selection.describe()} · nothing called", title_justify="left")
    for item in estimates:
        cost = format_cost(item.cost_usd) + (f" (+{item.unpriced} unpriced)" if item.unpriced else "")
        by_tier = " ".join(f"{t} {n}" for t, n in sorted(item.by_tier.items()))
        if item.unroutable:
            by_tier += f" (no tier {item.unroutable})"
        table.add_row(item.config, str(item.calls), str(item.cached), str(item.to_call), by_tier or "-",
                      f"{item.input_tokens:,}", f"{item.output_tokens:,}", cost, _duration(item.seconds))
    console.print(table)
    for note in notes:
        console.print(f"note: {note}", markup=False)


def _emit(report: CompareReport, as_json: bool, as_csv: bool, html: Path | None, outcomes_out: Path | None) -> None:
    if html is not None:
        write_html(report, html)
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    elif as_csv:
        typer.echo(to_csv(report), nl=False)
    else:
        _print_table(report.rows, f"{report.selection} · floor {report.floor:g}")
        paid = sum(row.get("paid_usd") or 0.0 for row in report.rows[1:])
        console.print(
            f"cache: {report.cache_hits} hit(s), {report.cache_misses} call(s) made · paid now ${paid:.6f}",
            markup=False,
        )
        for note in report.notes:
            console.print(f"note: {note}", markup=False)
        _print_intervals(report)
    if html is not None and not (as_json or as_csv):
        console.print(f"wrote {html}", markup=False)
    if outcomes_out is not None and not (as_json or as_csv):
        console.print(f"wrote {outcomes_out}", markup=False)


def _print_intervals(report: CompareReport) -> None:
    if report.sampled is None:
        return
    for name, item in report.intervals.items():
        low, high = item["interval"]
        d_low, d_high = item["difference_interval"]
        console.print(
            f"{name}: quality {item['quality']:.3f} (95% interval {low:.3f}–{high:.3f}); vs baseline "
            f"{item['difference']:+.3f} ({d_low:+.3f} to {d_high:+.3f}) over {item['calls']} calls: {item['verdict']}",
            markup=False,
        )
    if report.stopped_after is not None:
        console.print(f"stopped after {report.stopped_after} of the {report.sampled} sampled calls: every "
                      "configuration decided", markup=False)


def _compare_dataset(
    configs: list[Path], dataset: Path, tier_model: list[str], floor: float, as_json: bool, as_csv: bool,
    html: Path | None,
) -> None:
    rows = load_dataset(dataset)
    candidates = candidates_from_paths(configs)
    table, unit, notes = compare_dataset(
        [(c.name, c.config) for c in candidates], rows, explicit_models=parse_tier_models(tier_model), floor=floor
    )
    report = CompareReport(rows=table, selection=f"dataset {dataset.name} ({len(rows)} prompts)", floor=floor,
                           mode="dataset", notes=notes)
    if html is not None:
        write_html(report, html)
    if as_json:
        typer.echo(json.dumps({**report.as_json(), "cost_unit": unit}, ensure_ascii=False, indent=2))
        return
    if as_csv:
        typer.echo(to_csv(report), nl=False)
        return
    _print_table(table, f"{report.selection} · floor {floor:g}", unit)
    for note in notes:
        console.print(f"note: {note}", markup=False)
    if html is not None:
        console.print(f"wrote {html}", markup=False)


@app.command("tune")
def tune_command(
    quality_floor: FloorOpt = 0.95,
    max_evals: Annotated[
        int, typer.Option("--max-evals", min=1, max=100_000, help="At most this many configurations evaluated.")
    ] = 60,
    restarts: Annotated[
        int, typer.Option("--restarts", min=0, max=1_000, help="Random restarts of the hill climb.")
    ] = 3,
    write: Annotated[Path | None, typer.Option("--write", help="Write the best configuration here.")] = None,
    base: Annotated[
        Path | None, typer.Option("--base", help="Configuration to start from (default: the current routes.toml).")
    ] = None,
    dataset: DatasetOpt = None,
    tier_model: TierModelOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    run: RunOpt = None,
    task: TaskOpt = None,
    step_kind: KindOpt = None,
    source: SourceOpt = None,
    limit: LimitOpt = None,
    sample: SampleOpt = None,
    seed: SeedOpt = 0,
    scorer: ScorerOpt = None,
    rubric: RubricOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    concurrency: ConcurrencyOpt = None,
    max_cost: MaxCostOpt = None,
    resume: ResumeOpt = None,
    estimate: Annotated[
        bool, typer.Option("--estimate", help="Only estimate one evaluation's calls, tokens, cost and time (the "
                           "base configuration; the search makes at most --max-evals); call nothing.")
    ] = False,
    stop_when_decided: Annotated[
        bool, typer.Option("--stop-when-decided", help="With --sample: stop each search evaluation once its "
                           "quality interval is entirely above or below the floor (held-out is always replayed "
                           "in full).")
    ] = False,
) -> None:
    """Search the configuration space for the cheapest configuration that keeps quality ≥ the floor."""
    base_config = load_config(base) if base is not None else get_config()
    source_name: str
    replay_run: Any = None
    if dataset is not None:
        if concurrency is not None or max_cost is not None or resume is not None or estimate or stop_when_decided:
            raise UsageError("--concurrency, --max-cost, --resume, --estimate, --stop-when-decided: only for "
                             "replays of the ledger, not with --dataset")
        rows = load_dataset(dataset)
        evaluator: Any = DatasetEvaluator(base_config, rows, explicit_models=parse_tier_models(tier_model or []),
                                          seed=seed)
        space = Space(base_config, search_threshold=False, search_tokens=False, search_models=False)
        source_name = f"dataset {dataset.name}"
        extra = ["Tiers stand for: " + ", ".join(f"{t}={m}" for t, m in evaluator.mapping.items())]
    else:
        if tier_model:
            raise UsageError("--tier-model only applies with --dataset")
        ledger = open_ledger(get_config() if base is None else base_config)
        selection = _selection(since, until, run, task, step_kind, source, limit, sample, seed)
        if stop_when_decided and sample is None:
            raise UsageError("--stop-when-decided needs --sample N (the most calls to replay)")
        selection.interleave = stop_when_decided  # every prefix of the sample stratified
        if estimate:
            _estimate(ledger, [Candidate("base", base_config)], selection, False, concurrency, base_config, as_json)
            if not as_json:
                console.print(f"note: one evaluation shown; the search makes at most {max_evals} (answers a "
                              "configuration shares with an earlier one come from the cache)", markup=False)
            return
        make_scorers = _scorer_factory(base_config, scorer, rubric)
        limiters = Limiters(concurrency)  # one set of slots and rate limits for the whole search
        # One run for the whole search (--max-cost caps all of it); killed, the same command continues it.
        fp = fingerprint("tune", selection, [Candidate("base", base_config)], scorer=scorer, rubric=rubric,
                         floor=quality_floor, max_evals=max_evals, restarts=restarts, seed=seed,
                         **({"stop_when_decided": True} if stop_when_decided else {}))
        replay_run = start_replay_run(ledger, "tune", fp, config=base_config, resume=resume,
                                      args={"selection": selection.describe()})
        if replay_run.lost.calls:
            err_console.print(replay_run.lost.describe(), markup=False, highlight=False)
        if replay_run.resumed:
            err_console.print(replay_run.describe(), markup=False, highlight=False)
        run_id = replay_run.id

        def make_engine(candidates: list[Candidate]) -> ReplayEngine:
            capped = [Candidate(c.name, with_max_cost(c.config, max_cost)) for c in candidates]
            return ReplayEngine(ledger, capped, make_scorers, judge_config=base_config,
                                state_path=base_config.state_path, limiters=limiters, run_id=run_id)

        evaluator = LedgerEvaluator(ledger, base_config, selection, make_engine, seed=seed,
                                    stop_when_decided=stop_when_decided, floor=quality_floor)
        space = Space(base_config)
        source_name = f"the ledger ({selection.describe()})"
        extra = []
    with _progress(max_evals, "tuning") as progress:
        result = tune(space, evaluator, floor=quality_floor, max_evals=max_evals, restarts=restarts, seed=seed,
                      progress=progress)
    if replay_run is not None:
        finish_replay_run(ledger, replay_run, {"passed": result.passed, "evaluations": result.evaluations})
    if result.passed and write is not None:
        assert result.best is not None
        write_tuned(base_config, result.best, write, comment_block(result, source=source_name, extra=extra))
    early = evaluator.early_summary() if stop_when_decided else None
    _print_tune(result, as_json, write, source_name, early)
    if not result.passed:
        raise typer.Exit(1)


def _print_tune(
    result: TuneResult, as_json: bool, write: Path | None, source_name: str, early: dict[str, Any] | None = None
) -> None:
    if as_json:
        typer.echo(json.dumps({**result.as_dict(), "written": str(write) if write and result.passed else None,
                               **({"stop_when_decided": early} if early is not None else {})},
                              ensure_ascii=False, indent=2))
        return
    unit = "$" if result.unit == COST_USD else "strong share "

    def fmt(cost: float) -> str:
        return f"{unit}{cost:.6f}" if result.unit == COST_USD else f"{cost:.3f}"

    table = Table("configuration", "split", "calls", "by tier", f"cost ({unit.strip() or 'USD'})", "vs baseline",
                  "quality", title=f"tune on {source_name} · floor {result.floor:g} · {result.evaluations} evaluated",
                  title_justify="left")

    def add(name: str, split: str, measured: Any, baseline: Any) -> None:
        vs = "-" if baseline.cost <= 0 else f"{(measured.cost - baseline.cost) / baseline.cost * 100:+.1f}%"
        by_tier = " ".join(f"{t} {n}" for t, n in measured.by_tier.items())
        table.add_row(name, split, str(measured.n), by_tier, fmt(measured.cost), vs, f"{measured.quality:.3f}")

    add("baseline", "held-out", result.baseline_heldout, result.baseline_heldout)
    add("current", "train", result.base_train, result.baseline_train)
    add("current", "held-out", result.base_heldout, result.baseline_heldout)
    if result.best is not None and result.train is not None and result.heldout is not None:
        add("tuned", "train", result.train, result.baseline_train)
        add("tuned", "held-out", result.heldout, result.baseline_heldout)
    console.print(table)
    if early is not None:
        replayed = sum(item["calls"] for item in early["evaluations"])
        console.print(f"--stop-when-decided: {early['stopped_early']} of {early['train_evaluations']} train "
                      f"evaluation(s) decided early ({replayed} calls replayed instead of "
                      f"{early['stopped_early'] * early['train_calls']}); held-out replayed in full", markup=False)
    if result.passed and result.best is not None:
        console.print("changes: " + "; ".join(result.best.describe(result.base)), markup=False)
        console.print(f"PASS: meets the floor {result.floor:g} on the held-out split", markup=False)
        if write is not None:
            console.print(f"wrote {write}", markup=False)
    else:
        console.print(
            f"FAIL: no configuration found met the floor {result.floor:g} on both splits "
            f"({len(result.tried_on_heldout)} tried on held-out); nothing written",
            markup=False,
        )
