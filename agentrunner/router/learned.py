"""The learned routing classifier: will the cheap tier's answer be good enough?

``LearnedClassifier.predict(prompt, cheap_answer=None)`` returns **P(cheap answer is good
enough)** in [0, 1]: the estimated probability that the cheap (weak) tier's answer is at least as
good as the strong tier's would be. Higher means "stay cheap"; a router sends the step to the
strong tier when the value falls below its threshold, and evaluation uses ``1 - p`` as the
"send to strong" score. With graded (non-binary) scores the training target is the positive part
of the quality gap, ``clip(strong - weak, 0, 1)``, so ``1 - p`` estimates the expected quality the
strong tier would add and ``p`` is "1 - expected quality lost by staying cheap"; with 0/1 scores
that is exactly P(strong right and cheap wrong).

Two logistic-regression models are trained from one outcome dataset:

- a **prompt-only** model (TF-IDF of the prompt + dense prompt features), used before any call,
  when no cheap answer exists yet;
- a **cascade** model (prompt features + TF-IDF and dense features of the cheap tier's own
  answer), used when ``cheap_answer`` is given — e.g. to decide whether to escalate. It is only
  trained when the dataset carries the weak model's responses.

Only the prompt and the weak model's own response are ever used as inputs; the strong model's
response and all scores are training labels only.

A prediction is a few regular expressions, two sparse TF-IDF transforms and a dot product
(well under a millisecond); nothing is loaded per call. Saved models are a joblib file (trusted
local data: joblib is pickle) plus ``model.json`` with the feature spec and training metadata;
loading a model trained under another feature spec raises :class:`ModelSpecMismatch`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ..atomic import atomic_write
from ..errors import RouterModelError
from .embedding import EmbeddingSpec, PromptEmbedder, shared_embedder
from .features import (
    ANSWER_FEATURE_NAMES,
    FEATURE_SPEC,
    PROMPT_FEATURE_NAMES,
    TEXT_VECTORIZER_PARAMS,
    FeatureSpec,
    answer_feature_values,
    clip_text,
    feature_spec,
    prompt_features,
)
from .outcomes import OutcomeRow
from .ridge import EmbeddingRidge, cross_fitted_scores

logger = logging.getLogger(__name__)

MODEL_FILE = "model.joblib"
METADATA_FILE = "model.json"
#: Layout of model.json / model.joblib; independent of the feature spec.
FORMAT_VERSION = 1
#: Inverse L2 regularisation strength of both logistic regressions (see docs/router-experiments.md).
REGULARIZATION_C = 1.0
#: A cascade model needs some rows with a cheap answer to learn from.
MIN_ROWS_WITH_ANSWER = 20
RETRAIN_HINT = "retrain it with `agentrunner router train --data FILE` (or `--from-ledger`)"


class ModelSpecMismatch(RouterModelError):
    """A saved router model was trained with a different feature spec than this code computes."""


def _sigmoid(logit: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -500.0, 500.0)))


def _has_text(text: str | None) -> bool:
    return text is not None and bool(text.strip())


def _new_vectorizer() -> TfidfVectorizer:
    params = dict(TEXT_VECTORIZER_PARAMS)
    params["ngram_range"] = tuple(params["ngram_range"])
    return TfidfVectorizer(dtype=np.float64, **params)


def _fit_vectorizer(texts: Sequence[str]) -> tuple[TfidfVectorizer | None, sp.csr_matrix | None]:
    """Fit TF-IDF on ``texts``; None when they share no term often enough (tiny datasets)."""
    vectorizer = _new_vectorizer()
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # "empty vocabulary": nothing occurs in min_df documents
        return None, None
    return vectorizer, sp.csr_matrix(matrix)


class _TfidfDotProduct:
    """``tfidf(text) @ weights`` for one text without scikit-learn's per-call overhead.

    ``TfidfVectorizer.transform`` spends ~0.5 ms on input validation for a single document; this
    computes the same value (sublinear tf, idf, L2 norm) from the fitted vocabulary in plain
    Python + NumPy. Built lazily from the fitted vectorizer, never pickled.
    """

    def __init__(self, vectorizer: TfidfVectorizer, weights: NDArray[np.float64]) -> None:
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.weights = weights
        self.sublinear_tf = bool(vectorizer.sublinear_tf)

    def __call__(self, text: str) -> float:
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for term in self.analyze(text):
            column = vocabulary.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return 0.0
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[columns]
        norm = math.sqrt(float(values @ values))
        return float(values @ self.weights[columns]) / norm if norm > 0 else 0.0


#: Feature families a model can read. ``prompt_tfidf``, ``prompt_dense``, ``embedding`` (the
#: standardised vector as a block of the regression) and ``embedding_ridge`` (one number: a ridge
#: regression's estimate of the quality gap from the embedding, cross-fitted, :mod:`.ridge`) read
#: only the prompt; ``answer`` is the TF-IDF and dense features of the cheap tier's answer.
PROMPT_TFIDF = "prompt_tfidf"
PROMPT_DENSE = "prompt_dense"
EMBEDDING = "embedding"
EMBEDDING_RIDGE = "embedding_ridge"
ANSWER = "answer"
FAMILIES = (PROMPT_TFIDF, PROMPT_DENSE, EMBEDDING, EMBEDDING_RIDGE, ANSWER)
FAST_PROMPT_FAMILIES = frozenset({PROMPT_TFIDF, PROMPT_DENSE})
FAST_CASCADE_FAMILIES = frozenset({PROMPT_TFIDF, PROMPT_DENSE, ANSWER})
#: What a semantic model adds to the fast one (docs/router-experiments.md, "Embedding ridge").
SEMANTIC_FAMILIES = frozenset({EMBEDDING_RIDGE})
#: The standardised embedding block is multiplied by this before the fit: with one L2 penalty over
#: every weight, a smaller scale regularises the 640 embedding dimensions harder than the few dense
#: features (docs/router-experiments.md).
EMBEDDING_BLOCK_SCALE = 0.05


@lru_cache(maxsize=16384)
def _cached_dense(prompt: str, answer: str | None) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Dense prompt and answer features for batch work (cross-validation fits several models on
    the same rows; the answer features may run the answer's code)."""
    answer_values = answer_feature_values(prompt, answer)
    return tuple(prompt_features(prompt)), tuple(answer_values[name] for name in ANSWER_FEATURE_NAMES)


class _LinearTextModel:
    """Logistic regression over the blocks of its families: [prompt TF-IDF | answer TF-IDF |
    standardised dense features | standardised prompt embedding | embedding ridge score].

    After fitting, the coefficients are split per block so that a single prediction is a few
    small dot products instead of building a stacked sparse matrix.
    """

    def __init__(self, uses_answer: bool, families: frozenset[str] | None = None) -> None:
        if families is None:
            families = FAST_CASCADE_FAMILIES if uses_answer else FAST_PROMPT_FAMILIES
        self.families = frozenset(families)
        self.uses_answer = ANSWER in self.families
        self.dense_names = (PROMPT_FEATURE_NAMES if PROMPT_DENSE in self.families else ()) + (
            ANSWER_FEATURE_NAMES if self.uses_answer else ()
        )
        self.prompt_vectorizer: TfidfVectorizer | None = None
        self.answer_vectorizer: TfidfVectorizer | None = None
        self.dense_mean = np.zeros(len(self.dense_names))
        self.dense_scale = np.ones(len(self.dense_names))
        self.embedding_mean = np.zeros(0)
        self.embedding_scale = np.ones(0)
        self.prompt_weights = np.zeros(0)
        self.answer_weights = np.zeros(0)
        self.dense_weights = np.zeros(len(self.dense_names))
        self.embedding_weights = np.zeros(0)
        self.ridge: EmbeddingRidge | None = None
        self.ridge_mean = 0.0
        self.ridge_scale = 1.0
        self.ridge_weight = 0.0
        self.intercept = 0.0
        self._fast_prompt: _TfidfDotProduct | None = None
        self._fast_answer: _TfidfDotProduct | None = None

    @property
    def uses_embedding(self) -> bool:
        """Whether predictions need the prompt's embedding (as a block, or for the ridge score)."""
        return EMBEDDING in self.families or EMBEDDING_RIDGE in self.families

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_fast_prompt"] = state["_fast_answer"] = None  # rebuilt on first use
        return state

    def _dense_one(self, prompt: str, answer: str | None) -> NDArray[np.float64]:
        values: list[float] = []
        if PROMPT_DENSE in self.families:
            values.extend(prompt_features(prompt))
        if self.uses_answer:
            answer_values = answer_feature_values(prompt, answer)
            values.extend(answer_values[name] for name in ANSWER_FEATURE_NAMES)
        return np.asarray(values, dtype=np.float64)

    def _dense(self, prompts: Sequence[str], answers: Sequence[str | None]) -> NDArray[np.float64]:
        rows = []
        for prompt, answer in zip(prompts, answers, strict=True):
            prompt_values, answer_values = _cached_dense(prompt, answer if self.uses_answer else None)
            row: list[float] = []
            if PROMPT_DENSE in self.families:
                row.extend(prompt_values)
            if self.uses_answer:
                row.extend(answer_values)
            rows.append(np.asarray(row, dtype=np.float64))
        return np.vstack(rows) if rows else np.zeros((0, len(self.dense_names)))

    def _standardised(self, embeddings: NDArray[np.float64] | None, n_rows: int) -> NDArray[np.float64]:
        if embeddings is None or len(embeddings) != n_rows:
            raise ValueError("this router model reads prompt embeddings: pass one per prompt")
        standardised: NDArray[np.float64] = (
            np.asarray(embeddings, dtype=np.float64) - self.embedding_mean
        ) / self.embedding_scale
        return standardised

    def _embedding_logit(self, standardised: NDArray[np.float64]) -> NDArray[np.float64]:
        """The embedding families' share of the logit, one value per (standardised) row."""
        logit = np.zeros(len(standardised))
        if EMBEDDING in self.families:
            logit += (standardised * EMBEDDING_BLOCK_SCALE) @ self.embedding_weights
        if self.ridge is not None:
            logit += (self.ridge.predict(standardised) - self.ridge_mean) / self.ridge_scale * self.ridge_weight
        return logit

    def fit(
        self,
        prompts: Sequence[str],
        answers: Sequence[str | None],
        target: NDArray[np.float64],
        embeddings: NDArray[np.float64] | None = None,
        gap: NDArray[np.float64] | None = None,
    ) -> _LinearTextModel:
        """Fit P(strong is better) to soft targets in [0, 1] (the positive quality gap).

        ``gap`` (strong − weak, signed; default ``target``) is what the embedding ridge regresses
        on: prompts where the weak answer is the better one are information too."""
        blocks: list[sp.csr_matrix] = []
        if PROMPT_TFIDF in self.families:
            self.prompt_vectorizer, prompt_matrix = _fit_vectorizer([clip_text(p) for p in prompts])
            if prompt_matrix is not None:
                blocks.append(prompt_matrix)
        if self.uses_answer:
            self.answer_vectorizer, answer_matrix = _fit_vectorizer([clip_text(a or "") for a in answers])
            if answer_matrix is not None:
                blocks.append(answer_matrix)
        if self.dense_names:
            dense = self._dense(prompts, answers)
            self.dense_mean = dense.mean(axis=0)
            scale = dense.std(axis=0)
            self.dense_scale = np.where(scale > 1e-12, scale, 1.0)
            blocks.append(sp.csr_matrix((dense - self.dense_mean) / self.dense_scale))
        n_embedding = 0
        if self.uses_embedding:
            if embeddings is None:
                raise ValueError("an embedding family needs the prompts' embeddings")
            matrix = np.asarray(embeddings, dtype=np.float64)
            self.embedding_mean = matrix.mean(axis=0)
            scale = matrix.std(axis=0)
            self.embedding_scale = np.where(scale > 1e-12, scale, 1.0)
            standardised = self._standardised(matrix, len(prompts))
            if EMBEDDING in self.families:
                blocks.append(sp.csr_matrix(standardised * EMBEDDING_BLOCK_SCALE))
                n_embedding = standardised.shape[1]
            if EMBEDDING_RIDGE in self.families:
                # The regression weighs out-of-fold ridge scores (an in-sample fit would look far
                # better than the ridge will be on new prompts); prediction uses the ridge on all rows.
                signed = target if gap is None else np.asarray(gap, dtype=np.float64)
                column = cross_fitted_scores(standardised, signed)
                self.ridge = EmbeddingRidge().fit(standardised, signed)
                self.ridge_mean = float(column.mean())
                spread = float(column.std())
                self.ridge_scale = spread if spread > 1e-12 else 1.0
                blocks.append(sp.csr_matrix(((column - self.ridge_mean) / self.ridge_scale).reshape(-1, 1)))
        if not blocks:
            blocks.append(sp.csr_matrix((len(prompts), 0)))
        features = sp.hstack(blocks, format="csr")

        if float(target.min()) == float(target.max()) or features.shape[1] == 0:
            # One class only (e.g. strong never better): a constant model is the honest answer.
            coef = np.zeros(features.shape[1])
            mean = min(max(float(target.mean()), 1e-6), 1 - 1e-6)
            self.intercept = math.log(mean / (1 - mean))
        else:
            coef, self.intercept = self._fit_soft_labels(features, target)
        n_prompt = len(self.prompt_vectorizer.vocabulary_) if self.prompt_vectorizer else 0
        n_answer = len(self.answer_vectorizer.vocabulary_) if self.answer_vectorizer else 0
        n_dense = len(self.dense_names)
        self.prompt_weights = coef[:n_prompt]
        self.answer_weights = coef[n_prompt : n_prompt + n_answer]
        self.dense_weights = coef[n_prompt + n_answer : n_prompt + n_answer + n_dense]
        start = n_prompt + n_answer + n_dense
        self.embedding_weights = coef[start : start + n_embedding]
        self.ridge_weight = float(coef[start + n_embedding]) if self.ridge is not None else 0.0
        self._fast_prompt = self._fast_answer = None
        return self

    @staticmethod
    def _fit_soft_labels(
        features: sp.csr_matrix, target: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], float]:
        # Cross-entropy with soft targets t: each row appears as a positive with weight t and as a
        # negative with weight 1 - t (rows with t in {0, 1} appear once).
        positive = target > 0
        negative = target < 1
        stacked = sp.vstack([features[positive], features[negative]], format="csr")
        labels = np.concatenate([np.ones(positive.sum()), np.zeros(negative.sum())])
        weights = np.concatenate([target[positive], 1.0 - target[negative]])
        # Newton-CG converges in ~10 iterations here; lbfgs needed ~75 and was 10-20x slower on
        # these wide sparse matrices (docs/router-experiments.md).
        model = LogisticRegression(C=REGULARIZATION_C, solver="newton-cg", max_iter=200)
        with warnings.catch_warnings():
            # Should the solver stop a hair short of its tolerance, the fit is still usable.
            warnings.filterwarnings("ignore", category=ConvergenceWarning)
            model.fit(stacked, labels, sample_weight=weights)
        return model.coef_[0].astype(np.float64), float(model.intercept_[0])

    def strong_better_probability_one(
        self, prompt: str, answer: str | None, embedding: NDArray[np.float64] | None = None
    ) -> float:
        """Same value as :meth:`strong_better_probability` for one prompt, ~10x faster."""
        logit = self.intercept
        if self.dense_names:
            dense = self._dense_one(prompt, answer)
            logit += float(((dense - self.dense_mean) / self.dense_scale) @ self.dense_weights)
        if self.uses_embedding:
            standardised = self._standardised(None if embedding is None else embedding.reshape(1, -1), 1)
            logit += float(self._embedding_logit(standardised)[0])
        if self.prompt_vectorizer is not None:
            if self._fast_prompt is None:
                self._fast_prompt = _TfidfDotProduct(self.prompt_vectorizer, self.prompt_weights)
            logit += self._fast_prompt(clip_text(prompt))
        if self.answer_vectorizer is not None:
            if self._fast_answer is None:
                self._fast_answer = _TfidfDotProduct(self.answer_vectorizer, self.answer_weights)
            logit += self._fast_answer(clip_text(answer or ""))
        return 1.0 / (1.0 + math.exp(-min(max(logit, -500.0), 500.0)))

    def strong_better_probability(
        self,
        prompts: Sequence[str],
        answers: Sequence[str | None],
        embeddings: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        logit = np.full(len(prompts), self.intercept, dtype=np.float64)
        if self.dense_names:
            dense = (self._dense(prompts, answers) - self.dense_mean) / self.dense_scale
            logit += dense @ self.dense_weights
        if self.uses_embedding:
            logit += self._embedding_logit(self._standardised(embeddings, len(prompts)))
        if self.prompt_vectorizer is not None:
            prompt_matrix = self.prompt_vectorizer.transform([clip_text(p) for p in prompts])
            logit += prompt_matrix @ self.prompt_weights
        if self.answer_vectorizer is not None:
            answer_matrix = self.answer_vectorizer.transform([clip_text(a or "") for a in answers])
            logit += answer_matrix @ self.answer_weights
        return _sigmoid(np.asarray(logit, dtype=np.float64))


@dataclass
class _TrainedModels:
    """What model.joblib holds: the fast models (TF-IDF + dense) and, when trained with an
    embedding, the semantic ones (the same plus the prompt's embedding)."""

    prompt_model: _LinearTextModel
    cascade_model: _LinearTextModel | None
    semantic_prompt_model: _LinearTextModel | None = None
    semantic_cascade_model: _LinearTextModel | None = None


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def quality_gap(weak_scores: Sequence[float], strong_scores: Sequence[float]) -> NDArray[np.float64]:
    """Signed quality gap per prompt, strong − weak (what the embedding ridge regresses on)."""
    return np.asarray(strong_scores, dtype=np.float64) - np.asarray(weak_scores, dtype=np.float64)


def training_target(
    weak_scores: Sequence[float], strong_scores: Sequence[float]
) -> NDArray[np.float64]:
    """Soft label per prompt: how much better the strong answer is, clipped to [0, 1]."""
    gap = np.asarray(strong_scores, dtype=np.float64) - np.asarray(weak_scores, dtype=np.float64)
    return np.clip(gap, 0.0, 1.0)


FAST = "fast"
SEMANTIC = "semantic"
#: ``fast``: TF-IDF and dense features only (no model call, well under 5 ms); ``semantic``: also the
#: prompt's embedding, when the saved model was trained with one (else the same as fast).
MODES = (FAST, SEMANTIC)


class LearnedClassifier:
    """P(cheap answer is good enough) from the prompt and, when given, the cheap answer.

    Typical use::

        classifier = LearnedClassifier(embedding=EmbeddingSpec()).fit(rows, weak="small", strong="big")
        classifier.save(".agentrunner/router")
        classifier = LearnedClassifier.load(".agentrunner/router")
        p_ok = classifier.predict("Rename Foo to Bar in src/", cheap_answer=None)
        p_ok = classifier.predict("Rename Foo to Bar in src/", mode="fast")  # no embedding pass

    ``embedding`` None trains the fast models only (TF-IDF + dense features); an
    :class:`~agentrunner.router.embedding.EmbeddingSpec` also trains semantic models that read the
    prompt's embedding from that local GGUF.
    """

    def __init__(self, embedding: EmbeddingSpec | None = None, embedder: PromptEmbedder | None = None) -> None:
        if embedder is not None and embedding is None:
            embedding = embedder.spec
        self.embedding = embedding
        self.spec: FeatureSpec = feature_spec(embedding.as_dict() if embedding else None)
        self.metadata: dict[str, Any] = {}
        self._models: _TrainedModels | None = None
        self._embedder = embedder

    @property
    def embedder(self) -> PromptEmbedder:
        if self.embedding is None:
            raise RouterModelError("this router model reads no embeddings")
        if self._embedder is None:
            self._embedder = shared_embedder(self.embedding)
        return self._embedder

    def embed(self, prompts: Sequence[str]) -> NDArray[np.float64] | None:
        """The prompts' embeddings (cached on disk), or None for a model without embeddings."""
        return self.embedder.embed_many(prompts) if self.embedding is not None else None

    # -- training ------------------------------------------------------------------------------

    def fit(
        self,
        rows: Sequence[OutcomeRow],
        weak: str,
        strong: str,
        *,
        dataset_path: str | Path | None = None,
        cv_metrics: dict[str, Any] | None = None,
        embeddings: NDArray[np.float64] | None = None,
    ) -> LearnedClassifier:
        """Train on outcome rows; ``rows`` lacking either model's outcome are skipped.

        ``embeddings`` (one row per element of ``rows``) saves computing them again."""
        started = time.perf_counter()
        keep = [i for i, row in enumerate(rows) if weak in row.outcomes and strong in row.outcomes]
        usable = [rows[i] for i in keep]
        if len(usable) < 2:
            raise ValueError(
                f"need at least 2 rows with outcomes for both '{weak}' and '{strong}', "
                f"got {len(usable)}"
            )
        prompts = [row.prompt for row in usable]
        answers = [row.outcomes[weak].response for row in usable]
        target = training_target(
            [row.outcomes[weak].score for row in usable],
            [row.outcomes[strong].score for row in usable],
        )
        gap = quality_gap([row.outcomes[weak].score for row in usable], [row.outcomes[strong].score for row in usable])
        vectors: NDArray[np.float64] | None = None
        if self.embedding is not None:
            vectors = np.asarray(embeddings)[keep] if embeddings is not None else self.embed(prompts)
        with_answer = np.array([_has_text(answer) for answer in answers])
        chosen = np.nonzero(with_answer)[0]
        has_cascade = with_answer.sum() >= MIN_ROWS_WITH_ANSWER

        def train(families: frozenset[str], on_answers: bool) -> _LinearTextModel:
            if not on_answers:
                return _LinearTextModel(False, families).fit(prompts, answers, target, vectors, gap)
            return _LinearTextModel(True, families).fit(
                [prompts[int(i)] for i in chosen],
                [answers[int(i)] for i in chosen],
                target[chosen],
                vectors[chosen] if vectors is not None else None,
                gap[chosen],
            )

        models = _TrainedModels(
            prompt_model=train(FAST_PROMPT_FAMILIES, False),
            cascade_model=train(FAST_CASCADE_FAMILIES, True) if has_cascade else None,
        )
        if vectors is not None:
            models.semantic_prompt_model = train(FAST_PROMPT_FAMILIES | SEMANTIC_FAMILIES, False)
            if has_cascade:
                models.semantic_cascade_model = train(FAST_CASCADE_FAMILIES | SEMANTIC_FAMILIES, True)
        self._models = models
        self.metadata = {
            "dataset_path": str(dataset_path) if dataset_path is not None else None,
            "dataset_sha256": file_sha256(dataset_path) if dataset_path is not None else None,
            "n_rows": len(usable),
            "n_rows_with_cheap_answer": int(with_answer.sum()),
            "weak": weak,
            "strong": strong,
            "target": "clip(strong_score - weak_score, 0, 1); predict() returns 1 - its estimate",
            "has_cascade_model": models.cascade_model is not None,
            "embedding": self.embedding.as_dict() if self.embedding else None,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_seconds": round(time.perf_counter() - started, 3),
            "cv_metrics": cv_metrics,
            "sklearn_version": sklearn.__version__,
            "numpy_version": np.__version__,
        }
        return self

    # -- prediction ----------------------------------------------------------------------------

    @property
    def has_cascade_model(self) -> bool:
        return self._models is not None and self._models.cascade_model is not None

    @property
    def has_semantic_model(self) -> bool:
        return self._models is not None and self._models.semantic_prompt_model is not None

    def _trained(self) -> _TrainedModels:
        if self._models is None:
            raise RouterModelError("the router classifier is not trained yet; call fit() or load()")
        return self._models

    def _pick(self, cascade: bool, mode: str) -> _LinearTextModel | None:
        models = self._trained()
        if mode not in MODES:
            raise ValueError(f"unknown router mode {mode!r} (expected one of {', '.join(MODES)})")
        semantic = mode == SEMANTIC and models.semantic_prompt_model is not None
        if cascade:
            return models.semantic_cascade_model if semantic else models.cascade_model
        return models.semantic_prompt_model if semantic else models.prompt_model

    def predict(self, prompt: str, cheap_answer: str | None = None, *, mode: str = SEMANTIC) -> float:
        """P(cheap answer is good enough); uses the cheap answer's features when it is given.

        ``mode="fast"`` never embeds the prompt (TF-IDF and dense features only)."""
        cascade = self.has_cascade_model and _has_text(cheap_answer)
        model = self._pick(cascade, mode)
        assert model is not None  # the prompt model always exists; the cascade one when cascade
        embedding = self.embedder.embed(prompt) if model.uses_embedding else None
        return 1.0 - model.strong_better_probability_one(prompt, cheap_answer if cascade else None, embedding)

    def predict_many(
        self,
        prompts: Sequence[str],
        cheap_answers: Sequence[str | None] | None = None,
        *,
        mode: str = SEMANTIC,
        embeddings: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """:meth:`predict` for many prompts at once (vectorised); ``embeddings`` one row per prompt
        saves computing them."""
        models = self._trained()
        answers: Sequence[str | None] = (
            cheap_answers if cheap_answers is not None else [None] * len(prompts)
        )
        if len(answers) != len(prompts):
            raise ValueError(f"{len(prompts)} prompts but {len(answers)} cheap answers")
        strong_better = np.empty(len(prompts), dtype=np.float64)
        use_cascade = np.array(
            [models.cascade_model is not None and _has_text(answer) for answer in answers],
            dtype=bool,
        )
        vectors = embeddings
        for cascade in (False, True):
            chosen = np.nonzero(use_cascade == cascade)[0]
            model = self._pick(cascade, mode)
            if len(chosen) == 0 or model is None:
                continue
            chosen_vectors = None
            if model.uses_embedding:
                if vectors is None:
                    vectors = self.embed(prompts)
                assert vectors is not None
                chosen_vectors = np.asarray(vectors)[chosen]
            strong_better[chosen] = model.strong_better_probability(
                [prompts[int(i)] for i in chosen], [answers[int(i)] for i in chosen], chosen_vectors
            )
        return 1.0 - strong_better

    def strong_scores(
        self,
        prompts: Sequence[str],
        cheap_answers: Sequence[str | None] | None = None,
        *,
        mode: str = SEMANTIC,
        embeddings: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Routing scores for evaluation: higher = send to the strong tier (``1 - predict``)."""
        return 1.0 - self.predict_many(prompts, cheap_answers, mode=mode, embeddings=embeddings)

    # -- persistence ---------------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write model.joblib and model.json into ``directory`` (created if needed)."""
        models = self._trained()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        model_path = directory / MODEL_FILE
        # The model first, then the metadata naming its sha256: a crash in between leaves a pair
        # that load() refuses (sha256 mismatch), never one it silently misreads.
        buffer = io.BytesIO()
        joblib.dump(models, buffer, compress=3)
        model_bytes = buffer.getvalue()
        document = {
            "format_version": FORMAT_VERSION,
            "feature_spec": self.spec.as_dict(),
            "model_file": MODEL_FILE,
            "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
            "prediction": "P(cheap answer is good enough); route to strong when below threshold",
            "training": self.metadata,
        }
        atomic_write(model_path, model_bytes)
        atomic_write(directory / METADATA_FILE, json.dumps(document, indent=2) + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> LearnedClassifier:
        """Load a model saved by :meth:`save`; raises ModelSpecMismatch for another feature spec."""
        directory = Path(directory)
        metadata_path = directory / METADATA_FILE
        try:
            document = json.loads(metadata_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RouterModelError(
                f"{metadata_path}: no trained router model here; {RETRAIN_HINT}"
            ) from None
        except (OSError, json.JSONDecodeError) as exc:
            raise RouterModelError(f"{metadata_path}: unreadable ({exc}); {RETRAIN_HINT}") from None
        if not isinstance(document, dict) or document.get("format_version") != FORMAT_VERSION:
            raise RouterModelError(
                f"{metadata_path}: unknown model format "
                f"{document.get('format_version') if isinstance(document, dict) else None!r} "
                f"(expected {FORMAT_VERSION}); {RETRAIN_HINT}"
            )
        try:
            saved_spec = FeatureSpec.from_dict(document["feature_spec"])
        except (KeyError, TypeError, ValueError):
            raise RouterModelError(
                f"{metadata_path}: no valid feature_spec; {RETRAIN_HINT}"
            ) from None
        saved_embedding = saved_spec.params.get("embedding")
        try:
            embedding = EmbeddingSpec.from_dict(saved_embedding) if saved_embedding else None
        except (KeyError, TypeError, ValueError):
            raise RouterModelError(f"{metadata_path}: invalid feature_spec.params.embedding; {RETRAIN_HINT}") from None
        expected = feature_spec(embedding.as_dict() if embedding else None)
        if saved_spec != expected:
            same_version = (saved_spec.name, saved_spec.version) == (
                FEATURE_SPEC.name,
                FEATURE_SPEC.version,
            )
            saved = saved_spec.describe() + (" with other parameters" if same_version else "")
            raise ModelSpecMismatch(
                f"{metadata_path}: router model was trained with feature spec '{saved}', but this "
                f"agentrunner expects '{FEATURE_SPEC.describe()}'; {RETRAIN_HINT}"
            )
        model_path = directory / str(document.get("model_file", MODEL_FILE))
        if not model_path.is_file():
            raise RouterModelError(f"{model_path}: model file missing; {RETRAIN_HINT}")
        if document.get("model_sha256") != file_sha256(model_path):
            raise RouterModelError(
                f"{model_path}: does not match {METADATA_FILE} (sha256 differs); {RETRAIN_HINT}"
            )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            models = joblib.load(model_path)
        if any("version" in str(warning.message).lower() for warning in caught):
            logger.warning(
                "%s was saved with scikit-learn %s (now %s); if routing looks wrong, %s",
                model_path,
                document.get("training", {}).get("sklearn_version"),
                sklearn.__version__,
                RETRAIN_HINT,
            )
        if not isinstance(models, _TrainedModels):
            raise RouterModelError(f"{model_path}: not a router model; {RETRAIN_HINT}")
        classifier = cls(embedding=embedding)
        classifier._models = models
        classifier.metadata = dict(document.get("training") or {})
        return classifier


__all__ = [
    "ANSWER_FEATURE_NAMES",
    "FAST",
    "MODES",
    "SEMANTIC",
    "LearnedClassifier",
    "ModelSpecMismatch",
    "RouterModelError",
    "file_sha256",
    "training_target",
]
