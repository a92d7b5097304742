"""``agentrunner router train|eval|calibrate``: the learned classifier from outcome data.

- ``train`` fits the classifier on an outcome dataset (``--data FILE``) or on the ledger's scored
  replays (``--from-ledger``), prints its cross-validated metrics and saves it under
  ``.agentrunner/router/``;
- ``eval`` prints the k-fold cross-validated RouteLLM metrics next to the random and perfect
  routers, and optionally draws the cost–quality curve and writes per-prompt scores;
- ``calibrate`` picks the cheapest ``router.threshold`` that keeps held-out quality at a floor and
  writes it into routes.toml, keeping every other byte of the file.

Not to be confused with ``agentrunner route`` (cli/route.py), which explains one decision.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer

from ..config import Config
from ..errors import UsageError
from ..replay.ledger_outcomes import export_ledger_outcomes
from ..router.calibrate import Calibration, write_threshold
from ..router.calibrate import calibrate as calibrate_threshold
from ..router.embedding import DEFAULT_EMBEDDING_TOKENS, EmbeddingSpec, resolve_model_path
from ..router.outcomes import load_outcomes, pick_weak_strong, rows_with_models
from ._app import app, console, err_console, get_config, open_ledger
from ._options import MAX_SEED, finite

router_app = typer.Typer(
    help="Train, evaluate and calibrate the learned routing classifier on outcome data.",
    no_args_is_help=True,
)
app.add_typer(router_app, name="router")

#: Where ``--from-ledger`` writes the outcome dataset it builds (kept: the model's metadata names it).
LEDGER_DATASET = "ledger-outcomes.jsonl"

DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Outcome dataset (JSONL: per prompt, a score per model; see docs/routing.md)."),
]
FromLedgerOpt = Annotated[
    bool,
    typer.Option("--from-ledger", help="Build the outcome data from the ledger's scored replays (`compare`)."),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="With --from-ledger: originals since an age (30m, 1.5d, 2w) or an ISO date/time."),
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="With --from-ledger: originals before an age or an ISO date/time.")
]
WeakOpt = Annotated[str | None, typer.Option("--weak", help="The cheap model's name in the dataset.")]
StrongOpt = Annotated[str | None, typer.Option("--strong", help="The strong model's name in the dataset.")]
FoldsOpt = Annotated[int, typer.Option("--folds", min=2, max=50, help="Cross-validation folds.")]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the fold / held-out split.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
EmbedOpt = Annotated[
    str | None,
    typer.Option(
        "--embed",
        help="Also read the prompt's embedding from this local model: an embedded alias (gemma3-270m, "
        "qwen2.5-coder-1.5b) or a GGUF file. Default: TF-IDF and dense features only.",
    ),
]
EmbedTokensOpt = Annotated[
    int,
    typer.Option(
        "--embed-tokens", min=8, max=4096, help="With --embed: how many of the prompt's first tokens it embeds."
    ),
]


def _embedding(model: str | None, tokens: int) -> EmbeddingSpec | None:
    if model is None:
        return None
    spec = EmbeddingSpec(model=model, max_tokens=tokens)
    resolve_model_path(model)  # an unknown alias or a missing file: one line, before any work
    return spec


# -- shared helpers -------------------------------------------------------------------------------


def _model_dir(config: Config) -> Path:
    return config.data_dir / config.router.model_dir


def _dataset(
    config: Config | None, data: Path | None, from_ledger: bool, since: str | None, until: str | None
) -> Path | None:
    """The outcome file to read: ``--data``, or the ledger export; None when neither was given."""
    if data is not None and from_ledger:
        raise UsageError("give either --data FILE or --from-ledger, not both")
    for option, value in (("--since", since), ("--until", until)):
        if value is not None and not from_ledger:
            raise UsageError(f"{option} only applies with --from-ledger")
    if data is not None:
        if not data.is_file():
            raise UsageError(f"{data}: no such outcome dataset")
        return data
    if not from_ledger or config is None:
        return None
    ledger = open_ledger(config)
    try:
        export = export_ledger_outcomes(ledger, config.data_dir / LEDGER_DATASET, since=since, until=until)
    finally:
        ledger.close()
    if export.rows == 0:
        window = (f" since {since}" if since else "") + (f" until {until}" if until else "")
        raise UsageError(
            f"{config.ledger_path}: no scored replays{window} to learn from; run `agentrunner compare "
            "CANDIDATE.toml` first (it replays your calls on other tiers and scores their answers)"
        )
    err_console.print(
        f"{export.path}: {export.rows} prompts from the ledger ({export.scored_answers} scored answers)",
        markup=False,
    )
    return export.path


def _metrics_table(metrics: dict[str, dict[str, float]]) -> list[str]:
    lines = [f"{'router':<34}{'APGR':>7}{'CPT(50%)':>10}{'CPT(80%)':>10}{'95% strong':>12}"]
    for name, values in metrics.items():
        lines.append(
            f"{name:<34}{values['apgr']:>7.3f}{values['cpt50']:>10.1%}{values['cpt80']:>10.1%}"
            f"{values['share_for_95']:>12.1%}"
        )
    return lines


def _print_json(data: dict[str, Any]) -> None:
    # NaN (no quality gap) is not JSON: null says "undefined".
    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        if isinstance(value, list):
            return [clean(item) for item in value]
        return value

    console.print_json(json.dumps(clean(data)))


# -- train ----------------------------------------------------------------------------------------


@router_app.command("train")
def train(
    data: DataOpt = None,
    from_ledger: FromLedgerOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    weak: WeakOpt = None,
    strong: StrongOpt = None,
    folds: FoldsOpt = 5,
    seed: SeedOpt = 0,
    embed: EmbedOpt = None,
    embed_tokens: EmbedTokensOpt = DEFAULT_EMBEDDING_TOKENS,
    as_json: JsonOpt = False,
) -> None:
    """Train the learned classifier, print its cross-validated metrics and save it."""
    from ..router.evaluate import train_router

    config = get_config()
    embedding = _embedding(embed, embed_tokens)
    path = _dataset(config, data, from_ledger, since, until)
    if path is None:
        raise UsageError("give the outcome data: --data FILE or --from-ledger")
    rows = load_outcomes(path)
    weak, strong = pick_weak_strong(rows, weak, strong, source=path)
    purpose = f"training with {folds}-fold cross-validation (2 × --folds)"
    rows_with_models(rows, weak, strong, minimum=2 * folds, purpose=purpose, source=path)
    model_dir = _model_dir(config)
    # Absolute, so that `calibrate` finds the file from any directory.
    classifier = train_router(
        path.resolve(), model_dir, weak, strong, folds=folds, seed=seed, embedding=embedding
    )
    metadata = classifier.metadata
    cv = dict(metadata.get("cv_metrics") or {})
    cv_folds, cv_seed = cv.pop("folds", folds), cv.pop("seed", seed)
    if as_json:
        _print_json({"model_dir": str(model_dir), "training": metadata, "classifier": config.router.classifier})
        return
    console.print(
        f"trained on {metadata['n_rows']} prompts of {path} (weak {weak}, strong {strong}; "
        f"{metadata['n_rows_with_cheap_answer']} with the weak model's answer)",
        markup=False,
    )
    if cv:
        console.print(f"{cv_folds}-fold cross-validation (seed {cv_seed}):", markup=False)
        for line in _metrics_table(cv):
            console.print(f"  {line}", markup=False)
    console.print(f"saved to {model_dir}", markup=False)
    if config.router.classifier == "learned":
        console.print('routes.toml already has classifier = "learned": the next run uses this model', markup=False)
    else:
        console.print('to route with it, set classifier = "learned" in [router] of routes.toml', markup=False)
    console.print("then pick its threshold: agentrunner router calibrate --quality-floor 0.95", markup=False)


# -- eval -----------------------------------------------------------------------------------------


@router_app.command("eval")
def evaluate(
    data: DataOpt = None,
    from_ledger: FromLedgerOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    weak: WeakOpt = None,
    strong: StrongOpt = None,
    folds: FoldsOpt = 5,
    seed: SeedOpt = 0,
    plot: Annotated[Path | None, typer.Option("--plot", help="Draw the cost–quality curves to this PNG.")] = None,
    scores_out: Annotated[
        Path | None,
        typer.Option("--scores-out", help='Write {"id", "score"} per prompt (JSONL; higher = send to strong).'),
    ] = None,
    embed: EmbedOpt = None,
    embed_tokens: EmbedTokensOpt = DEFAULT_EMBEDDING_TOKENS,
    as_json: JsonOpt = False,
) -> None:
    """k-fold cross-validated APGR, CPT(50%), CPT(80%) and the strong share for 95% quality."""
    from ..router.evaluate import evaluate_rows, plot_curves, write_scores

    for option, target in (("--plot", plot), ("--scores-out", scores_out)):
        if target is not None and not target.resolve().parent.is_dir():
            raise UsageError(f"{option} {target}: directory {target.resolve().parent} does not exist")
    embedding = _embedding(embed, embed_tokens)
    path = _dataset(get_config() if from_ledger else None, data, from_ledger, since, until)
    if path is None:
        raise UsageError("give the outcome data: --data FILE or --from-ledger")
    rows = load_outcomes(path)
    weak, strong = pick_weak_strong(rows, weak, strong, source=path)
    purpose = f"{folds}-fold cross-validation"
    usable = rows_with_models(rows, weak, strong, minimum=folds, purpose=purpose, source=path)
    if from_ledger:
        # History mixes model pairs; a given file must have both models on every row (an error says where).
        rows = usable
    report = evaluate_rows(rows, weak, strong, folds=folds, seed=seed, dataset=str(path), embedding=embedding)
    if plot is not None:
        plot_curves(report, plot)
    if scores_out is not None:
        write_scores(scores_out, report.ids, report.scores)
    if as_json:
        data_out = report.as_dict()
        data_out["plot"] = str(plot) if plot is not None else None
        data_out["scores_out"] = str(scores_out) if scores_out is not None else None
        _print_json(data_out)
        return
    console.print(report.format_table(), markup=False)
    console.print(
        "APGR: area under the recovered quality gap vs strong-call share (random 0.5); CPT(x): strong calls "
        "needed to recover x of the gap; 95% strong: strong calls needed for 95% of strong-only quality",
        markup=False,
    )
    if plot is not None:
        console.print(f"wrote {plot}", markup=False)
    if scores_out is not None:
        console.print(f"wrote {scores_out} ({report.n_rows} scores)", markup=False)


# -- calibrate ------------------------------------------------------------------------------------


@router_app.command("calibrate")
def calibrate(
    quality_floor: Annotated[
        float,
        typer.Option(
            "--quality-floor", callback=finite(0, 1), help="Keep held-out quality ≥ this × strong-only quality."
        ),
    ] = 0.95,
    data: DataOpt = None,
    from_ledger: FromLedgerOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    weak: WeakOpt = None,
    strong: StrongOpt = None,
    holdout: Annotated[
        float,
        typer.Option(
            "--holdout",
            callback=finite(0, 1, low_open=True, high_open=True),
            help="Share of rows held out from training to calibrate on.",
        ),
    ] = 0.3,
    seed: SeedOpt = 0,
    use_trained: Annotated[
        bool,
        typer.Option(
            "--use-trained",
            help="Score every row with the saved model instead of a classifier fit on the other rows "
            "(only for data the model was not trained on).",
        ),
    ] = False,
    cascade: Annotated[
        bool,
        typer.Option(
            "--cascade",
            help="Calibrate on scores that use the weak model's answer (when routing with cheap_answer), "
            "not the prompt alone.",
        ),
    ] = False,
    confidence: Annotated[
        float | None,
        typer.Option(
            "--confidence",
            callback=finite(0, 1, low_open=True),
            help="Require the floor in this share of bootstrap resamples of the held-out rows (e.g. 0.8), "
            "a margin for a small held-out set; default: on the rows as they are.",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the threshold; do not write routes.toml.")] = False,
    embed: EmbedOpt = None,
    embed_tokens: EmbedTokensOpt = DEFAULT_EMBEDDING_TOKENS,
    as_json: JsonOpt = False,
) -> None:
    """Pick the cheapest router.threshold that keeps held-out quality at the floor; write it to routes.toml."""
    from ..router.learned import METADATA_FILE, LearnedClassifier

    config = get_config()
    embedding = _embedding(embed, embed_tokens)
    model_dir = _model_dir(config)
    trained = LearnedClassifier.load(model_dir) if (model_dir / METADATA_FILE).exists() or use_trained else None
    path = _dataset(config, data, from_ledger, since, until)
    if path is None:
        trained_on = (trained.metadata.get("dataset_path") if trained else None) or ""
        if not trained_on or not Path(trained_on).is_file():
            raise UsageError("give the outcome data: --data FILE or --from-ledger (no trained model names a file)")
        path = Path(trained_on)
    result = calibrate_threshold(
        load_outcomes(path),
        path,
        quality_floor,
        weak=weak,
        strong=strong,
        trained=trained,
        use_trained=use_trained,
        holdout=holdout,
        seed=seed,
        cascade=cascade,
        confidence=confidence,
        embedding=embedding,
        mode=config.router.features,
    )
    previous = config.router.threshold
    written: Path | None = None
    if not dry_run:
        if config.source_path is None:
            raise UsageError("no routes.toml to write to (pass --config PATH, or use --dry-run)")
        write_threshold(config.source_path, result.choice.threshold)
        written = config.source_path
    _report_calibration(config, result, path, cascade, previous, written, as_json)


def _report_calibration(
    config: Config,
    result: Calibration,
    path: Path,
    cascade: bool,
    previous: float,
    written: Path | None,
    as_json: bool,
) -> None:
    choice, weak, strong, protocol = result.choice, result.weak, result.strong, result.protocol
    if as_json:
        _print_json(
            {
                **choice.as_dict(),
                "dataset": str(path),
                "weak": weak,
                "strong": strong,
                "scores": "cascade" if cascade else "prompt only",
                "protocol": protocol,
                "previous_threshold": previous,
                "written_to": str(written) if written else None,
            }
        )
        return
    console.print(f"{path}: weak {weak}, strong {strong}; {protocol}", markup=False)
    verdict = "reaches" if choice.reached else "CANNOT reach (best quality kept)"
    console.print(
        f"threshold {choice.threshold:g} {verdict} the floor {choice.floor:.0%} of strong-only quality "
        f"({'cascade' if cascade else 'prompt-only'} scores)",
        markup=False,
    )
    console.print(
        f"  held-out quality {choice.quality:.3f} = {choice.relative_quality:.1%} of strong-only "
        f"{choice.strong_quality:.3f} (weak only {choice.weak_quality:.3f})",
        markup=False,
    )
    console.print(f"  strong calls {choice.strong_share:.1%} of {choice.n_rows} held-out prompts", markup=False)
    console.print(
        f"  bootstrap: {choice.relative_quality_low:.1%}–{choice.relative_quality_high:.1%} of strong-only "
        f"(5th–95th percentile), floor met in {choice.reach_probability:.0%} of resamples"
        + (f" (asked ≥ {choice.confidence:.0%})" if choice.confidence is not None else ""),
        markup=False,
    )
    if choice.cost_usd is not None and choice.strong_cost_usd:
        saved = 1 - choice.cost_usd / choice.strong_cost_usd
        console.print(
            f"  cost ${choice.cost_usd:.4f} vs ${choice.strong_cost_usd:.4f} all-strong ({saved:.0%} less)",
            markup=False,
        )
    if written is None:
        console.print(f"--dry-run: routes.toml not changed (router.threshold stays {previous:g})", markup=False)
    else:
        console.print(f"wrote router.threshold = {choice.threshold:g} to {written} (was {previous:g})", markup=False)
    if config.router.classifier != "learned":
        console.print(
            f'note: routes.toml has classifier = "{config.router.classifier}"; this threshold is for the learned '
            'classifier: set classifier = "learned" in [router]',
            markup=False,
        )
    if len(config.tiers) > 2:
        console.print(
            f"note: {len(config.tiers)} tiers: below the threshold, [0, threshold) is split between the "
            "tiers above the cheapest (docs/routing.md)",
            markup=False,
        )


# -- info -----------------------------------------------------------------------------------------


@router_app.command("info")
def info(as_json: JsonOpt = False) -> None:
    """Show the saved classifier: its training data, models, feature spec and CV metrics."""
    from ..router.learned import METADATA_FILE, LearnedClassifier

    config = get_config()
    model_dir = _model_dir(config)
    model = LearnedClassifier.load(model_dir)
    document = json.loads((model_dir / METADATA_FILE).read_text("utf-8"))
    metadata = model.metadata
    if as_json:
        _print_json({"model_dir": str(model_dir), "in_use": config.router.classifier == "learned", **document})
        return
    spec = document.get("feature_spec", {})
    classifier = config.router.classifier
    in_use = "in use" if classifier == "learned" else f'not in use (classifier = "{classifier}")'
    console.print(f"{model_dir}: {in_use}, threshold {config.router.threshold:g}", markup=False)
    console.print(f"  trained     {metadata.get('trained_at')} on {metadata.get('dataset_path')}", markup=False)
    console.print(
        f"  rows        {metadata.get('n_rows')} ({metadata.get('n_rows_with_cheap_answer')} with the weak answer); "
        f"weak {metadata.get('weak')}, strong {metadata.get('strong')}",
        markup=False,
    )
    cascade = "yes" if metadata.get("has_cascade_model") else "no (no weak answers to learn from)"
    console.print(f"  cascade     {cascade}", markup=False)
    console.print(f"  features    {spec.get('name')} v{spec.get('version')}", markup=False)
    if model.embedding is not None:
        mode = config.router.features
        console.print(f"  embedding   {model.embedding.describe()} (router.features = {mode!r})", markup=False)
    else:
        console.print("  embedding   none (TF-IDF and dense features only: train with --embed to add it)", markup=False)
    cv = dict(metadata.get("cv_metrics") or {})
    if cv:
        cv_folds, cv_seed = cv.pop("folds", "?"), cv.pop("seed", "?")
        console.print(f"  {cv_folds}-fold cross-validation (seed {cv_seed}):", markup=False)
        for line in _metrics_table(cv):
            console.print(f"    {line}", markup=False)
