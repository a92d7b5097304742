"""Reproduce the prompt-embedding variants of docs/router-experiments.md (issue 18).

    .venv/bin/python scripts/router_embedding_experiments.py --data tests/fixtures/routing/gsm8k.jsonl
    .venv/bin/python scripts/router_embedding_experiments.py --data tests/fixtures/routing/humaneval.jsonl \
        --only "fast + ridge(mean)" "fast + ridge(last)"

Every variant is a logistic regression over the prompt's TF-IDF and dense features (the ``fast``
prompt-only model of ``router eval``) plus zero or more *columns*: a regression's estimate of the
signed quality gap (strong − weak) from some matrix of the prompt — its mean-pooled embedding, its
last-token embedding, both, the embedding with the dense features — cross-fitted exactly like
``agentrunner/router/ridge.py`` (each training row's value from a fit on the other inner folds; the
test rows' from a fit on the whole training fold). Same seeded, stratified outer folds and metrics
as ``router eval``; numbers are mean ± std over the seeds.

Embeddings are read from the cache only (``~/.cache/agentrunner/router-embeddings/``): a prompt
without a cached vector is an error, so this script never runs a model — fill the cache first with
``router eval --embed gemma3-270m`` (mean pooling) or ``PromptEmbedder(EmbeddingSpec(pooling="last"))``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.decomposition import PCA
from sklearn.kernel_approximation import RBFSampler
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agentrunner.router.embedding import EmbeddingSpec, PromptEmbedder  # noqa: E402
from agentrunner.router.evaluate import fold_indices  # noqa: E402
from agentrunner.router.features import PROMPT_FEATURE_NAMES, clip_text, prompt_features  # noqa: E402
from agentrunner.router.learned import _fit_vectorizer, _LinearTextModel, quality_gap, training_target  # noqa: E402
from agentrunner.router.metrics import ROUTELLM_BINS, curve_metrics, quality_curve  # noqa: E402
from agentrunner.router.outcomes import load_outcomes, paired_scores, pick_weak_strong  # noqa: E402
from agentrunner.router.ridge import RIDGE_ALPHAS, EmbeddingRidge  # noqa: E402

Matrix = NDArray[np.float64]
Indices = NDArray[np.intp]
#: fit(train matrix, train target) -> predict(test matrix)
Regressor = Callable[[Matrix, Matrix, Matrix], Matrix]
#: A column of the logistic regression: (inputs, regressor[, target: "gap" | "weak" | "strong"]).
Column = tuple[Sequence[str], Regressor] | tuple[Sequence[str], Regressor, str]
INNER_FOLDS = 5


def standardise(train: Matrix, test: Matrix) -> tuple[Matrix, Matrix]:
    mean = train.mean(axis=0)
    scale = train.std(axis=0)
    scale = np.where(scale > 1e-12, scale, 1.0)
    return (train - mean) / scale, (test - mean) / scale


# -- regressors from a matrix to the signed gap ----------------------------------------------------


def ridge_gcv(train: Matrix, target: Matrix, test: Matrix) -> Matrix:
    """The shipped one: RidgeCV, α by generalised (leave-one-out) CV."""
    return EmbeddingRidge().fit(train, target).predict(test)


def ridge_kfold(train: Matrix, target: Matrix, test: Matrix) -> Matrix:
    """α chosen by 5-fold CV on the training rows (nested) instead of GCV."""
    model = RidgeCV(alphas=RIDGE_ALPHAS, cv=KFold(5, shuffle=True, random_state=0)).fit(train, target)
    predicted: Matrix = model.predict(test)
    return predicted


def pca_ridge(components: int) -> Regressor:
    def fit_predict(train: Matrix, target: Matrix, test: Matrix) -> Matrix:
        pca = PCA(n_components=min(components, train.shape[0] - 1, train.shape[1]), whiten=True, random_state=0)
        reduced = pca.fit_transform(train)
        return ridge_gcv(reduced, target, pca.transform(test))

    return fit_predict


def rbf_features_ridge(train: Matrix, target: Matrix, test: Matrix) -> Matrix:
    """A kernel step: ridge (α by GCV) on 1,024 random Fourier features of an RBF kernel of width
    √d on the standardised rows (an approximation of kernel ridge regression that keeps GCV cheap)."""
    sampler = RBFSampler(gamma=1.0 / train.shape[1], n_components=1024, random_state=0)
    return ridge_gcv(sampler.fit_transform(train), target, sampler.transform(test))


# -- the experiment ------------------------------------------------------------------------------


class Experiment:
    def __init__(self, data: Path, weak: str | None, strong: str | None, poolings: Sequence[str]) -> None:
        self.rows = load_outcomes(data)
        self.weak_name, self.strong_name = pick_weak_strong(self.rows, weak, strong)
        weak_scores, strong_scores = paired_scores(self.rows, self.weak_name, self.strong_name)
        self.weak, self.strong = np.asarray(weak_scores), np.asarray(strong_scores)
        self.target = training_target(weak_scores, strong_scores)
        self.gap = quality_gap(weak_scores, strong_scores)
        self.prompts = [row.prompt for row in self.rows]
        self.dense = np.vstack([prompt_features(p) for p in self.prompts])
        self.vectors: dict[str, Matrix] = {}
        for pooling in poolings:
            embedder = PromptEmbedder(EmbeddingSpec(pooling=pooling))
            keys = [embedder.key(p) for p in self.prompts]
            found = embedder._cache.get_many(sorted(set(keys)))
            missing = sum(1 for key in keys if key not in found)
            if missing:
                raise SystemExit(f"{data}: {missing} prompt(s) have no cached {pooling}-pooled embedding")
            self.vectors[pooling] = np.vstack([found[key] for key in keys]).astype(np.float64)
        print(
            f"{data}: {len(self.rows)} prompts, weak {self.weak_name} = {self.weak.mean():.3f}, "
            f"strong {self.strong_name} = {self.strong.mean():.3f}",
            flush=True,
        )

    def inputs(self, names: Sequence[str]) -> Matrix:
        """The columns a regressor reads: embeddings by pooling name, and/or ``dense``."""
        return np.hstack([self.dense if name == "dense" else self.vectors[name] for name in names])

    def column(
        self, names: Sequence[str], regressor: Regressor, train: Indices, test: Indices, of: str = "gap"
    ) -> tuple[Matrix, Matrix]:
        """Cross-fitted training values and test values of one regressor's estimate of the signed
        gap (``of="gap"``), or of one model's own score (``"weak"``, ``"strong"``)."""
        x_train, x_test = standardise(self.inputs(names)[train], self.inputs(names)[test])
        target = {"gap": self.gap, "weak": self.weak, "strong": self.strong}[of][train]
        train_values = np.zeros(len(train))
        for inner_train, inner_test in KFold(INNER_FOLDS, shuffle=True, random_state=0).split(x_train):
            train_values[inner_test] = regressor(x_train[inner_train], target[inner_train], x_train[inner_test])
        return train_values, regressor(x_train, target, x_test)

    def scorer(
        self, columns: Sequence[Column], fast: bool = True
    ) -> Callable[[Indices, Indices], Matrix]:
        """Logistic regression over [prompt TF-IDF | dense] (when ``fast``) + the columns."""

        def score(train: Indices, test: Indices) -> Matrix:
            blocks_train: list[sp.csr_matrix] = []
            blocks_test: list[sp.csr_matrix] = []
            if fast:
                vectorizer, matrix = _fit_vectorizer([clip_text(self.prompts[i]) for i in train])
                if vectorizer is not None and matrix is not None:
                    blocks_train.append(matrix)
                    blocks_test.append(sp.csr_matrix(vectorizer.transform([clip_text(self.prompts[i]) for i in test])))
                dense_train, dense_test = standardise(self.dense[train], self.dense[test])
                blocks_train.append(sp.csr_matrix(dense_train))
                blocks_test.append(sp.csr_matrix(dense_test))
            if not fast and len(columns) == 1:
                return self.column(columns[0][0], columns[0][1], train, test)[1]  # the regression alone
            for column in columns:
                of = column[2] if len(column) == 3 else "gap"
                train_values, test_values = self.column(column[0], column[1], train, test, of)
                values_train, values_test = standardise(train_values.reshape(-1, 1), test_values.reshape(-1, 1))
                blocks_train.append(sp.csr_matrix(values_train))
                blocks_test.append(sp.csr_matrix(values_test))
            x_train = sp.hstack(blocks_train, format="csr")
            x_test = sp.hstack(blocks_test, format="csr")
            coef, intercept = _LinearTextModel._fit_soft_labels(x_train, self.target[train])
            logit: Matrix = np.asarray(x_test @ coef).reshape(-1) + intercept
            return logit

        return score

    def report(self, name: str, score: Callable[[Indices, Indices], Matrix], folds: int, seeds: Sequence[int]) -> None:
        started = time.perf_counter()
        per_seed: list[tuple[float, float, float, float]] = []
        for seed in seeds:
            scores = np.zeros(len(self.rows))
            for train, test in fold_indices(self.target, folds, seed):
                scores[test] = score(train, test)
            metrics = curve_metrics(quality_curve(self.weak, self.strong, scores), ROUTELLM_BINS)
            per_seed.append((metrics.apgr, metrics.cpt50, metrics.cpt80, metrics.share_for_95))
        apgr, cpt50, cpt80, share95 = (list(column) for column in zip(*per_seed, strict=True))
        seeds_text = " / ".join(f"{value:.3f}" for value in apgr)
        print(
            f"{name:<44} APGR {statistics.mean(apgr):.3f} ± {statistics.pstdev(apgr):.3f}  "
            f"CPT(50%) {statistics.mean(cpt50):6.1%}  CPT(80%) {statistics.mean(cpt80):6.1%}  "
            f"95% {statistics.mean(share95):6.1%}  seeds {seeds_text}  "
            f"({(time.perf_counter() - started) / len(seeds):.1f} s/seed)",
            flush=True,
        )


def variants(e: Experiment) -> dict[str, Callable[[Indices, Indices], Matrix]]:
    mean, last = ["mean"], ["last"]
    table: dict[str, Callable[[Indices, Indices], Matrix]] = {
        "fast (TF-IDF + dense)": e.scorer([]),
        "ridge(mean) alone": e.scorer([(mean, ridge_gcv)], fast=False),
        "fast + ridge(mean)": e.scorer([(mean, ridge_gcv)]),
        "fast + ridge(mean), alpha by 5-fold CV": e.scorer([(mean, ridge_kfold)]),
        "fast + ridge(mean + dense)": e.scorer([([*mean, "dense"], ridge_gcv)]),
        "fast + ridge(PCA-64 whitened mean)": e.scorer([(mean, pca_ridge(64))]),
        "fast + ridge(PCA-16 whitened mean)": e.scorer([(mean, pca_ridge(16))]),
        "fast + RBF-features ridge(mean)": e.scorer([(mean, rbf_features_ridge)]),
        "fast + ridge(mean) on gap, weak, strong": e.scorer(
            [(mean, ridge_gcv), (mean, ridge_gcv, "weak"), (mean, ridge_gcv, "strong")]
        ),
    }
    if "last" in e.vectors:
        table.update(
            {
                "ridge(last) alone": e.scorer([(last, ridge_gcv)], fast=False),
                "fast + ridge(last)": e.scorer([(last, ridge_gcv)]),
                "fast + ridge(mean + last)": e.scorer([([*mean, *last], ridge_gcv)]),
                "fast + ridge(mean) + ridge(last)": e.scorer([(mean, ridge_gcv), (last, ridge_gcv)]),
            }
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests/fixtures/routing/gsm8k.jsonl")
    parser.add_argument("--weak")
    parser.add_argument("--strong")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--poolings", nargs="+", default=["mean", "last"], choices=["mean", "last"])
    parser.add_argument("--only", nargs="+", help="variant names to run, in this order (default: all)")
    args = parser.parse_args()
    e = Experiment(args.data, args.weak, args.strong, args.poolings)
    print(f"prompt features: {len(PROMPT_FEATURE_NAMES)} dense + TF-IDF; {args.folds}-fold, seeds {args.seeds}")
    table = variants(e)
    unknown = [name for name in args.only or [] if name not in table]
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}; known: {list(table)}")
    for name in args.only or list(table):  # in the order asked for
        e.report(name, table[name], args.folds, args.seeds)


if __name__ == "__main__":
    main()
