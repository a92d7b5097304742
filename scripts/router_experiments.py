"""Reproduce the numbers in docs/router-experiments.md.

    .venv/bin/python scripts/router_experiments.py --data tests/fixtures/routing/gsm8k.jsonl
    .venv/bin/python scripts/router_experiments.py --only cascade hgb --seeds 0

Every variant is scored with the same seeded, stratified k-fold splits as ``router eval`` and the
metrics of :mod:`agentrunner.router.metrics`; numbers are means over the seeds (± std).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.stats import rankdata
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

from agentrunner.router.evaluate import fold_indices
from agentrunner.router.features import DENSE_FEATURE_NAMES, PROMPT_FEATURE_NAMES, dense_features
from agentrunner.router.learned import LearnedClassifier, training_target
from agentrunner.router.metrics import router_metrics
from agentrunner.router.outcomes import (
    ModelOutcome,
    OutcomeRow,
    load_outcomes,
    paired_scores,
    pick_weak_strong,
)

Indices = NDArray[np.intp]
Scorer = Callable[[Indices, Indices], NDArray[np.float64]]
Block = Callable[[Indices, Indices], tuple[sp.csr_matrix, sp.csr_matrix]]

ARITHMETIC_FEATURES = {
    "answer_equations",
    "answer_wrong_equations",
    "answer_any_wrong_equation",
    "answer_final_number_computed",
    "answer_unsupported_numbers",
}


class Experiment:
    def __init__(self, rows: Sequence[OutcomeRow], weak: str, strong: str) -> None:
        self.rows = rows
        self.weak_name, self.strong_name = weak, strong
        weak_scores, strong_scores = paired_scores(rows, weak, strong)
        self.weak = np.asarray(weak_scores)
        self.strong = np.asarray(strong_scores)
        self.target = training_target(weak_scores, strong_scores)
        self.prompts = [row.prompt for row in rows]
        self.answers = [row.outcomes[weak].response or "" for row in rows]
        self.dense = np.vstack(
            [dense_features(p, a) for p, a in zip(self.prompts, self.answers, strict=True)]
        )

    # -- feature blocks (fitted on the training fold only) -----------------------------------

    def tfidf(self, texts: Sequence[str], **params: object) -> Block:
        def block(train: Indices, test: Indices) -> tuple[sp.csr_matrix, sp.csr_matrix]:
            vectorizer = TfidfVectorizer(sublinear_tf=True, **params)  # type: ignore[arg-type]
            fitted = vectorizer.fit_transform([texts[i] for i in train])
            return fitted, vectorizer.transform([texts[i] for i in test])

        return block

    def dense_block(self, names: Sequence[str] = DENSE_FEATURE_NAMES) -> Block:
        columns = [DENSE_FEATURE_NAMES.index(name) for name in names]

        def block(train: Indices, test: Indices) -> tuple[sp.csr_matrix, sp.csr_matrix]:
            scaler = StandardScaler().fit(self.dense[train][:, columns])
            return (
                sp.csr_matrix(scaler.transform(self.dense[train][:, columns])),
                sp.csr_matrix(scaler.transform(self.dense[test][:, columns])),
            )

        return block

    @staticmethod
    def stack(blocks: Sequence[Block], train: Indices, test: Indices) -> tuple[sp.csr_matrix, ...]:
        parts = [block(train, test) for block in blocks]
        return (
            sp.hstack([p[0] for p in parts], format="csr"),
            sp.hstack([p[1] for p in parts], format="csr"),
        )

    # -- models --------------------------------------------------------------------------------

    def logistic(
        self, blocks: Sequence[Block], label: str = "strong_better", c: float = 1.0
    ) -> Scorer:
        def score(train: Indices, test: Indices) -> NDArray[np.float64]:
            x_train, x_test = self.stack(blocks, train, test)
            y = self.target[train] > 0 if label == "strong_better" else self.weak[train] < 0.5
            model = LogisticRegression(C=c, solver="newton-cg", max_iter=200)
            return model.fit(x_train, y.astype(int)).predict_proba(x_test)[:, 1]

        return score

    def ridge(self, blocks: Sequence[Block]) -> Scorer:
        def score(train: Indices, test: Indices) -> NDArray[np.float64]:
            x_train, x_test = self.stack(blocks, train, test)
            gap = self.strong[train] - self.weak[train]
            return Ridge(alpha=1.0).fit(x_train, gap).predict(x_test)

        return score

    def boosting(self, regression: bool = False) -> Scorer:
        params = {
            "max_iter": 200,
            "learning_rate": 0.05,
            "max_leaf_nodes": 15,
            "min_samples_leaf": 20,
        }

        def score(train: Indices, test: Indices) -> NDArray[np.float64]:
            if regression:
                model = HistGradientBoostingRegressor(random_state=0, **params)
                return model.fit(self.dense[train], self.strong[train] - self.weak[train]).predict(
                    self.dense[test]
                )
            classifier = HistGradientBoostingClassifier(random_state=0, **params)
            fitted = classifier.fit(self.dense[train], (self.target[train] > 0).astype(int))
            return fitted.predict_proba(self.dense[test])[:, 1]

        return score

    def two_models(self, blocks: Sequence[Block]) -> Scorer:
        def score(train: Indices, test: Indices) -> NDArray[np.float64]:
            x_train, x_test = self.stack(blocks, train, test)
            probabilities = []
            for scores in (self.strong, self.weak):
                model = LogisticRegression(solver="newton-cg", max_iter=200)
                model.fit(x_train, (scores[train] >= 0.5).astype(int))
                probabilities.append(model.predict_proba(x_test)[:, 1])
            return probabilities[0] - probabilities[1]

        return score

    def learned(self, use_answer: bool) -> Scorer:
        def score(train: Indices, test: Indices) -> NDArray[np.float64]:
            classifier = LearnedClassifier().fit(
                [self.rows[i] for i in train], self.weak_name, self.strong_name
            )
            answers = [self.answers[i] for i in test] if use_answer else None
            return classifier.strong_scores([self.prompts[i] for i in test], answers)

        return score

    @staticmethod
    def rank_average(first: Scorer, second: Scorer, weight: float) -> Scorer:
        def score(train: Indices, test: Indices) -> NDArray[np.float64]:
            a, b = first(train, test), second(train, test)
            return weight * rankdata(a) + (1 - weight) * rankdata(b)

        return score

    # -- running -------------------------------------------------------------------------------

    def cross_validate(self, scorer: Scorer, folds: int, seed: int) -> NDArray[np.float64]:
        scores = np.zeros(len(self.rows))
        for train, test in fold_indices(self.target, folds, seed):
            scores[test] = scorer(train, test)
        return scores

    def report(self, name: str, scorer: Scorer, folds: int, seeds: Sequence[int]) -> None:
        started = time.perf_counter()
        results = []
        for seed in seeds:
            metrics = router_metrics(
                self.weak, self.strong, self.cross_validate(scorer, folds, seed)
            )
            results.append((metrics.apgr, metrics.cpt50, metrics.cpt80, metrics.share_for_95))
        seconds = (time.perf_counter() - started) / len(seeds)
        columns = list(zip(*results, strict=True))
        text = "  ".join(
            f"{label} {statistics.mean(values):.3f}±{statistics.pstdev(values):.3f}"
            for label, values in zip(("APGR", "CPT50", "CPT80", "95%"), columns, strict=True)
        )
        print(f"{name:<58} {text}  ({seconds:.1f}s/run)", flush=True)


def experiments(e: Experiment) -> dict[str, Scorer]:
    prompt_words = e.tfidf(e.prompts, ngram_range=(1, 2), min_df=2)
    answer_words = e.tfidf(e.answers, ngram_range=(1, 2), min_df=2)
    answer_chars = e.tfidf(e.answers, analyzer="char_wb", ngram_range=(2, 5), min_df=3)
    answer_tail = e.tfidf(
        [a[-200:] for a in e.answers], analyzer="char_wb", ngram_range=(2, 4), min_df=3
    )
    no_arithmetic = [n for n in DENSE_FEATURE_NAMES if n not in ARITHMETIC_FEATURES]
    cascade = e.logistic([prompt_words, answer_words, e.dense_block()])
    readme_ridge = e.tfidf(e.prompts)
    return {
        "floor: TF-IDF(prompt) + ridge on gap (README)": e.ridge([readme_ridge]),
        "prompt only: LR TF-IDF(prompt)": e.logistic([prompt_words]),
        "prompt only: LR TF-IDF(prompt) + prompt dense": e.logistic(
            [prompt_words, e.dense_block(PROMPT_FEATURE_NAMES)]
        ),
        "PRODUCTION prompt-only model (LearnedClassifier, no answer)": e.learned(use_answer=False),
        "answer: LR TF-IDF(answer words) only": e.logistic([answer_words]),
        "answer: LR TF-IDF(answer char 2-5) only": e.logistic([answer_chars]),
        "answer: LR dense features only": e.logistic([e.dense_block()]),
        "answer: LR dense minus arithmetic checks": e.logistic([e.dense_block(no_arithmetic)]),
        "answer: HGB dense (classifier)": e.boosting(),
        "answer: HGB dense (regression on gap)": e.boosting(regression=True),
        "cascade: LR TF-IDF(prompt+answer) + dense": cascade,
        "cascade: same, label = weak wrong": e.logistic(
            [prompt_words, answer_words, e.dense_block()], label="weak_wrong"
        ),
        "cascade: same, C=0.3": e.logistic([prompt_words, answer_words, e.dense_block()], c=0.3),
        "cascade: same, C=3": e.logistic([prompt_words, answer_words, e.dense_block()], c=3.0),
        "cascade: + answer char 2-5": e.logistic(
            [prompt_words, answer_words, answer_chars, e.dense_block()]
        ),
        "cascade: + answer tail chars": e.logistic(
            [prompt_words, answer_words, answer_tail, e.dense_block()]
        ),
        "cascade: ridge regression on gap": e.ridge([prompt_words, answer_words, e.dense_block()]),
        "cascade: two models P(strong ok) - P(weak ok)": e.two_models(
            [prompt_words, answer_words, e.dense_block()]
        ),
        "cascade: rank average 0.7 LR + 0.3 HGB": e.rank_average(cascade, e.boosting(), 0.7),
        "PRODUCTION cascade model (LearnedClassifier)": e.learned(use_answer=True),
    }


def univariate(e: Experiment, top: int) -> None:
    """APGR of each dense feature used alone as the routing score (sign chosen in hindsight)."""
    results = []
    for index, name in enumerate(DENSE_FEATURE_NAMES):
        column = e.dense[:, index]
        if column.std() == 0:
            continue
        up = router_metrics(e.weak, e.strong, column).apgr
        down = router_metrics(e.weak, e.strong, -column).apgr
        results.append((max(up, down), name, "+" if up >= down else "-"))
    for value, name, sign in sorted(results, reverse=True)[:top]:
        print(f"  single feature {sign}{name:<40} APGR {value:.3f}")


def latency(rows: Sequence[OutcomeRow], weak: str, strong: str) -> None:
    started = time.perf_counter()
    classifier = LearnedClassifier().fit(rows, weak, strong)
    print(f"training on all {len(rows)} rows: {time.perf_counter() - started:.2f}s")
    for label, with_answer in (("cascade (prompt + cheap answer)", True), ("prompt only", False)):
        timings = []
        for row in rows:
            answer = row.outcomes[weak].response if with_answer else None
            begin = time.perf_counter()
            classifier.predict(row.prompt, answer)
            timings.append(time.perf_counter() - begin)
        ms = np.asarray(timings) * 1000
        print(
            f"predict {label}: p50 {np.percentile(ms, 50):.3f} ms, "
            f"p99 {np.percentile(ms, 99):.3f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "routing" / "gsm8k.jsonl"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--weak")
    parser.add_argument("--strong")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--only", nargs="*", default=[], help="run variants whose name contains these"
    )
    parser.add_argument("--no-responses", action="store_true", help="drop the weak responses first")
    args = parser.parse_args()

    rows = load_outcomes(args.data)
    weak, strong = pick_weak_strong(rows, args.weak, args.strong)
    if args.no_responses:
        rows = [
            replace(row, outcomes={**row.outcomes, weak: ModelOutcome(row.outcomes[weak].score)})
            for row in rows
        ]
    experiment = Experiment(rows, weak, strong)
    print(f"{args.data}: {len(rows)} rows, weak {weak}, strong {strong}, seeds {args.seeds}")
    for name, scorer in experiments(experiment).items():
        if args.only and not any(word.lower() in name.lower() for word in args.only):
            continue
        experiment.report(name, scorer, args.folds, args.seeds)
    if not args.only:
        univariate(experiment, top=8)
        latency(rows, weak, strong)


if __name__ == "__main__":
    main()
