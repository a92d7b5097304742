"""Cross-validated evaluation of the learned router on an outcome dataset (``router eval``).

Every prompt is scored by a classifier that never saw it (k-fold, seeded), and the scores are
turned into the RouteLLM metrics of :mod:`agentrunner.router.metrics`, next to the random and
perfect routers. The same k-fold run gives the CV metrics stored with a trained model
(:func:`train_router`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.model_selection import KFold, StratifiedKFold

from ..atomic import AtomicFile
from ..errors import OutcomeDataError
from .embedding import EmbeddingSpec, PromptEmbedder
from .learned import (
    ANSWER,
    EMBEDDING,
    EMBEDDING_RIDGE,
    FAST,
    PROMPT_DENSE,
    PROMPT_TFIDF,
    SEMANTIC,
    LearnedClassifier,
    _LinearTextModel,
    quality_gap,
    training_target,
)
from .metrics import (
    ROUTELLM_BINS,
    QualityCurve,
    RouterMetrics,
    curve_metrics,
    perfect_curve,
    quality_curve,
    random_curve,
)
from .outcomes import OutcomeRow, load_outcomes, paired_scores, pick_weak_strong

#: Router names in the order reports list them. ``learned`` and ``learned (prompt only)`` are what
#: the router uses (every feature family the model was trained with); ``(fast)`` drops the
#: embedding; the others are one feature family alone. Every row that reads only the prompt says
#: "prompt only".
LEARNED = "learned"
LEARNED_FAST = "learned (fast)"
LEARNED_ANSWER = "learned (answer features)"
LEARNED_PROMPT_ONLY = "learned (prompt only)"
LEARNED_PROMPT_ONLY_FAST = "learned (prompt only, fast)"
LEARNED_PROMPT_ONLY_TFIDF = "learned (prompt only, tf-idf)"
LEARNED_PROMPT_ONLY_DENSE = "learned (prompt only, dense)"
LEARNED_PROMPT_ONLY_EMBEDDING = "learned (prompt only, embedding)"
LEARNED_PROMPT_ONLY_RIDGE = "learned (prompt only, embedding ridge)"
RANDOM = "random"
PERFECT = "perfect"
#: The rows that read the cheap answer (dropped when the data has none).
CASCADE_ROWS = (LEARNED, LEARNED_FAST, LEARNED_ANSWER)
#: One feature family alone: row name → the families its model reads.
FAMILY_ROWS: dict[str, frozenset[str]] = {
    LEARNED_ANSWER: frozenset({ANSWER}),
    LEARNED_PROMPT_ONLY_TFIDF: frozenset({PROMPT_TFIDF}),
    LEARNED_PROMPT_ONLY_DENSE: frozenset({PROMPT_DENSE}),
    LEARNED_PROMPT_ONLY_EMBEDDING: frozenset({EMBEDDING}),
    LEARNED_PROMPT_ONLY_RIDGE: frozenset({EMBEDDING_RIDGE}),
}
#: Rows that need the prompt embedding (dropped without ``--embed``).
EMBEDDING_ROWS = (LEARNED_PROMPT_ONLY_EMBEDDING, LEARNED_PROMPT_ONLY_RIDGE)


@dataclass
class EvaluationReport:
    """Cross-validated metrics of the learned router and of the random / perfect baselines."""

    dataset: str | None
    weak: str
    strong: str
    n_rows: int
    n_rows_with_cheap_answer: int
    folds: int
    seed: int
    weak_quality: float
    strong_quality: float
    metrics: dict[str, RouterMetrics]
    curves: dict[str, QualityCurve] = field(repr=False)
    ids: list[str] = field(repr=False)
    #: Out-of-fold "send to strong" scores of the learned router, one per row (``ids`` order).
    scores: NDArray[np.float64] = field(repr=False)
    seconds: float = 0.0
    #: The embedding the semantic rows read ("" when none).
    embedding: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "weak": self.weak,
            "strong": self.strong,
            "n_rows": self.n_rows,
            "n_rows_with_cheap_answer": self.n_rows_with_cheap_answer,
            "folds": self.folds,
            "seed": self.seed,
            "weak_quality": self.weak_quality,
            "strong_quality": self.strong_quality,
            "metrics": {name: metrics.as_dict() for name, metrics in self.metrics.items()},
            "embedding": self.embedding or None,
            "seconds": round(self.seconds, 3),
        }

    def format_table(self) -> str:
        """Plain-text table of the headline numbers (shares as percentages)."""
        lines = [
            f"{self.n_rows} prompts, weak {self.weak} = {self.weak_quality:.3f}, "
            f"strong {self.strong} = {self.strong_quality:.3f}, "
            f"{self.folds}-fold CV (seed {self.seed})"
            + (f", prompt embedding: {self.embedding}" if self.embedding else ""),
            f"{'router':<34}{'APGR':>7}{'CPT(50%)':>10}{'CPT(80%)':>10}{'95% strong':>12}"
            f"{'best quality':>14}",
        ]
        for name, metrics in self.metrics.items():
            lines.append(
                f"{name:<34}{metrics.apgr:>7.3f}{metrics.cpt50:>10.1%}{metrics.cpt80:>10.1%}"
                f"{metrics.share_for_95:>12.1%}"
                f"{metrics.best_quality:>8.3f} @{metrics.share_at_best_quality:>4.0%}"
            )
        return "\n".join(lines)


def fold_indices(
    target: NDArray[np.float64], folds: int, seed: int
) -> list[tuple[NDArray[np.intp], NDArray[np.intp]]]:
    """Seeded k-fold splits, stratified on "strong is better" when both classes can be split."""
    n_rows = len(target)
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    if n_rows < folds:
        raise ValueError(f"{n_rows} rows cannot be split into {folds} folds")
    strong_better = (target > 0).astype(int)
    smallest_class = min(int(strong_better.sum()), n_rows - int(strong_better.sum()))
    placeholder = np.zeros(n_rows)
    if smallest_class >= folds:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        return list(splitter.split(placeholder, strong_better))
    return list(KFold(n_splits=folds, shuffle=True, random_state=seed).split(placeholder))


def cross_validated_scores(
    rows: Sequence[OutcomeRow],
    weak: str,
    strong: str,
    folds: int = 5,
    seed: int = 0,
    *,
    embedding: EmbeddingSpec | None = None,
    embedder: PromptEmbedder | None = None,
) -> dict[str, NDArray[np.float64]]:
    """Out-of-fold "send to strong" scores per router row (:data:`LEARNED`, …): the router's own
    models (with and, given an embedding, without it) and each feature family alone."""
    weak_scores, strong_scores = paired_scores(rows, weak, strong)
    target = training_target(weak_scores, strong_scores)
    gap = quality_gap(weak_scores, strong_scores)
    prompts = [row.prompt for row in rows]
    answers = [row.outcomes[weak].response for row in rows]
    vectors = LearnedClassifier(embedding, embedder).embed(prompts) if embedding is not None else None
    names = [LEARNED, LEARNED_PROMPT_ONLY, *FAMILY_ROWS]
    if vectors is not None:
        names += [LEARNED_FAST, LEARNED_PROMPT_ONLY_FAST]
    else:
        names = [name for name in names if name not in EMBEDDING_ROWS]
    scores = {name: np.zeros(len(rows)) for name in names}
    for train_index, test_index in fold_indices(target, folds, seed):
        train_vectors = vectors[train_index] if vectors is not None else None
        test_vectors = vectors[test_index] if vectors is not None else None
        classifier = LearnedClassifier(embedding, embedder).fit(
            [rows[i] for i in train_index], weak, strong, embeddings=train_vectors
        )
        test_prompts = [prompts[i] for i in test_index]
        test_answers = [answers[i] for i in test_index]
        modes = [(SEMANTIC, LEARNED, LEARNED_PROMPT_ONLY)]
        if vectors is not None:
            modes.append((FAST, LEARNED_FAST, LEARNED_PROMPT_ONLY_FAST))
        for mode, cascade_name, prompt_name in modes:
            scores[cascade_name][test_index] = classifier.strong_scores(
                test_prompts, test_answers, mode=mode, embeddings=test_vectors
            )
            scores[prompt_name][test_index] = classifier.strong_scores(
                test_prompts, mode=mode, embeddings=test_vectors
            )
        for name, families in FAMILY_ROWS.items():
            if name not in scores:
                continue
            model = _LinearTextModel(ANSWER in families, families).fit(
                [prompts[i] for i in train_index],
                [answers[i] for i in train_index],
                target[train_index],
                train_vectors,
                gap[train_index],
            )
            scores[name][test_index] = model.strong_better_probability(test_prompts, test_answers, test_vectors)
    return scores


def evaluate_rows(
    rows: Sequence[OutcomeRow],
    weak: str | None = None,
    strong: str | None = None,
    *,
    folds: int = 5,
    seed: int = 0,
    bins: int | None = ROUTELLM_BINS,
    dataset: str | None = None,
    embedding: EmbeddingSpec | None = None,
    embedder: PromptEmbedder | None = None,
) -> EvaluationReport:
    """k-fold CV metrics of the learned router, of each feature family alone, and of the random
    and perfect baselines. ``embedding`` adds the prompt embedding to the learned router."""
    started = time.perf_counter()
    weak, strong = pick_weak_strong(rows, weak, strong)
    missing = [row for row in rows if weak not in row.outcomes or strong not in row.outcomes]
    if missing:
        raise OutcomeDataError(
            f"{dataset or 'dataset'}:{missing[0].line_number}: row '{missing[0].id}' lacks an "
            f"outcome for '{weak}' or '{strong}' ({len(missing)} such rows)"
        )
    weak_scores, strong_scores = paired_scores(rows, weak, strong)
    scores = cross_validated_scores(rows, weak, strong, folds, seed, embedding=embedding, embedder=embedder)
    n_with_answer = sum(1 for row in rows if (row.outcomes[weak].response or "").strip())
    if n_with_answer == 0:
        # Without cheap answers the cascade rows are the prompt-only models; report those once.
        for name in CASCADE_ROWS:
            scores.pop(name, None)
    order = [
        LEARNED,
        LEARNED_FAST,
        LEARNED_ANSWER,
        LEARNED_PROMPT_ONLY,
        LEARNED_PROMPT_ONLY_FAST,
        LEARNED_PROMPT_ONLY_TFIDF,
        LEARNED_PROMPT_ONLY_DENSE,
        LEARNED_PROMPT_ONLY_EMBEDDING,
        LEARNED_PROMPT_ONLY_RIDGE,
    ]
    curves = {name: quality_curve(weak_scores, strong_scores, scores[name]) for name in order if name in scores}
    curves[RANDOM] = random_curve(weak_scores, strong_scores)
    curves[PERFECT] = perfect_curve(weak_scores, strong_scores)
    with_answer = scores.get(LEARNED, scores[LEARNED_PROMPT_ONLY])
    return EvaluationReport(
        dataset=dataset,
        weak=weak,
        strong=strong,
        n_rows=len(rows),
        n_rows_with_cheap_answer=n_with_answer,
        folds=folds,
        seed=seed,
        weak_quality=float(np.mean(weak_scores)),
        strong_quality=float(np.mean(strong_scores)),
        metrics={name: curve_metrics(curve, bins) for name, curve in curves.items()},
        curves=curves,
        ids=[row.id for row in rows],
        scores=with_answer,
        seconds=time.perf_counter() - started,
        embedding=embedding.describe() if embedding else "",
    )


def write_scores(path: str | Path, ids: Sequence[str], scores: Sequence[float] | NDArray[np.float64]) -> None:
    """JSONL ``{"id", "score"}`` per prompt; higher score = send to strong."""
    with AtomicFile(Path(path)) as file:
        for row_id, score in zip(ids, scores, strict=True):
            file.handle.write(json.dumps({"id": row_id, "score": round(float(score), 6)}) + "\n")


def plot_curves(report: EvaluationReport, path: str | Path) -> Path:
    """Draw the quality vs strong-call-share curves to a PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5), dpi=120)
    try:
        styles = {RANDOM: ":", PERFECT: "--"}
        for name, curve in report.curves.items():
            metrics = report.metrics[name]
            axes.plot(
                curve.strong_share * 100,
                curve.quality,
                linestyle=styles.get(name, "-"),
                linewidth=1.6,
                label=f"{name} (APGR {metrics.apgr:.3f}, CPT(50%) {metrics.cpt50:.1%})",
            )
        axes.axhline(report.weak_quality, color="grey", linewidth=0.8, label=f"weak: {report.weak}")
        axes.axhline(
            report.strong_quality, color="black", linewidth=0.8, label=f"strong: {report.strong}"
        )
        axes.set_xlabel("strong model calls (%)")
        axes.set_ylabel("mean quality")
        axes.set_xlim(0, 100)
        name = Path(report.dataset).name if report.dataset else "outcome dataset"
        axes.set_title(f"Cost–quality curve, {name} ({report.folds}-fold CV)")
        axes.grid(alpha=0.3)
        axes.legend(loc="lower right", fontsize=8)
        figure.tight_layout()
        figure.savefig(path)
    finally:
        plt.close(figure)
    return Path(path)


def evaluate_file(
    path: str | Path,
    weak: str | None = None,
    strong: str | None = None,
    *,
    folds: int = 5,
    seed: int = 0,
    plot: str | Path | None = None,
    scores_out: str | Path | None = None,
    embedding: EmbeddingSpec | None = None,
) -> EvaluationReport:
    """``router eval``: load, cross-validate, and optionally write the plot and the scores."""
    rows = load_outcomes(path)
    report = evaluate_rows(rows, weak, strong, folds=folds, seed=seed, dataset=str(path), embedding=embedding)
    if plot is not None:
        plot_curves(report, plot)
    if scores_out is not None:
        write_scores(scores_out, report.ids, report.scores)
    return report


def train_router(
    path: str | Path,
    out_dir: str | Path,
    weak: str | None = None,
    strong: str | None = None,
    *,
    folds: int = 5,
    seed: int = 0,
    embedding: EmbeddingSpec | None = None,
) -> LearnedClassifier:
    """``router train --data FILE``: CV metrics first, then fit on every row and save."""
    rows = load_outcomes(path)
    weak, strong = pick_weak_strong(rows, weak, strong)
    usable = [row for row in rows if weak in row.outcomes and strong in row.outcomes]
    cv_metrics: dict[str, Any] | None = None
    if len(usable) >= folds * 2:
        report = evaluate_rows(
            usable, weak, strong, folds=folds, seed=seed, dataset=str(path), embedding=embedding
        )
        cv_metrics = {
            "folds": folds,
            "seed": seed,
            **{name: metrics.as_dict() for name, metrics in report.metrics.items()},
        }
    classifier = LearnedClassifier(embedding).fit(usable, weak, strong, dataset_path=path, cv_metrics=cv_metrics)
    classifier.save(out_dir)
    return classifier
