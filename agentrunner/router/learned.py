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
from .features import (
    ANSWER_FEATURE_NAMES,
    DENSE_FEATURE_NAMES,
    FEATURE_SPEC,
    PROMPT_FEATURE_NAMES,
    TEXT_VECTORIZER_PARAMS,
    FeatureSpec,
    clip_text,
    dense_features,
    prompt_features,
)
from .outcomes import OutcomeRow

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


class _LinearTextModel:
    """Logistic regression over [prompt TF-IDF | answer TF-IDF | standardised dense features].

    After fitting, the coefficients are split per block so that a single prediction is three
    small dot products instead of building a stacked sparse matrix.
    """

    def __init__(self, uses_answer: bool) -> None:
        self.uses_answer = uses_answer
        self.dense_names = DENSE_FEATURE_NAMES if uses_answer else PROMPT_FEATURE_NAMES
        self.prompt_vectorizer: TfidfVectorizer | None = None
        self.answer_vectorizer: TfidfVectorizer | None = None
        self.dense_mean = np.zeros(len(self.dense_names))
        self.dense_scale = np.ones(len(self.dense_names))
        self.prompt_weights = np.zeros(0)
        self.answer_weights = np.zeros(0)
        self.dense_weights = np.zeros(len(self.dense_names))
        self.intercept = 0.0
        self._fast_prompt: _TfidfDotProduct | None = None
        self._fast_answer: _TfidfDotProduct | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_fast_prompt"] = state["_fast_answer"] = None  # rebuilt on first use
        return state

    def _dense(self, prompts: Sequence[str], answers: Sequence[str | None]) -> NDArray[np.float64]:
        if self.uses_answer:
            rows = [dense_features(p, a) for p, a in zip(prompts, answers, strict=True)]
        else:
            rows = [prompt_features(p) for p in prompts]
        return np.vstack(rows) if rows else np.zeros((0, len(self.dense_names)))

    def fit(
        self, prompts: Sequence[str], answers: Sequence[str | None], target: NDArray[np.float64]
    ) -> _LinearTextModel:
        """Fit P(strong is better) to soft targets in [0, 1] (the positive quality gap)."""
        dense = self._dense(prompts, answers)
        self.dense_mean = dense.mean(axis=0)
        scale = dense.std(axis=0)
        self.dense_scale = np.where(scale > 1e-12, scale, 1.0)
        blocks: list[sp.csr_matrix] = []
        self.prompt_vectorizer, prompt_matrix = _fit_vectorizer([clip_text(p) for p in prompts])
        if prompt_matrix is not None:
            blocks.append(prompt_matrix)
        if self.uses_answer:
            self.answer_vectorizer, answer_matrix = _fit_vectorizer(
                [clip_text(a or "") for a in answers]
            )
            if answer_matrix is not None:
                blocks.append(answer_matrix)
        blocks.append(sp.csr_matrix((dense - self.dense_mean) / self.dense_scale))
        features = sp.hstack(blocks, format="csr")

        if float(target.min()) == float(target.max()):
            # One class only (e.g. strong never better): a constant model is the honest answer.
            coef = np.zeros(features.shape[1])
            mean = min(max(float(target.mean()), 1e-6), 1 - 1e-6)
            self.intercept = math.log(mean / (1 - mean))
        else:
            coef, self.intercept = self._fit_soft_labels(features, target)
        n_prompt = len(self.prompt_vectorizer.vocabulary_) if self.prompt_vectorizer else 0
        n_answer = len(self.answer_vectorizer.vocabulary_) if self.answer_vectorizer else 0
        self.prompt_weights = coef[:n_prompt]
        self.answer_weights = coef[n_prompt : n_prompt + n_answer]
        self.dense_weights = coef[n_prompt + n_answer :]
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

    def strong_better_probability_one(self, prompt: str, answer: str | None) -> float:
        """Same value as :meth:`strong_better_probability` for one prompt, ~10x faster."""
        dense = dense_features(prompt, answer) if self.uses_answer else prompt_features(prompt)
        logit = float(((dense - self.dense_mean) / self.dense_scale) @ self.dense_weights)
        logit += self.intercept
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
        self, prompts: Sequence[str], answers: Sequence[str | None]
    ) -> NDArray[np.float64]:
        dense = (self._dense(prompts, answers) - self.dense_mean) / self.dense_scale
        logit = dense @ self.dense_weights + self.intercept
        if self.prompt_vectorizer is not None:
            prompt_matrix = self.prompt_vectorizer.transform([clip_text(p) for p in prompts])
            logit += prompt_matrix @ self.prompt_weights
        if self.answer_vectorizer is not None:
            answer_matrix = self.answer_vectorizer.transform([clip_text(a or "") for a in answers])
            logit += answer_matrix @ self.answer_weights
        return _sigmoid(np.asarray(logit, dtype=np.float64))


@dataclass
class _TrainedModels:
    """What model.joblib holds."""

    prompt_model: _LinearTextModel
    cascade_model: _LinearTextModel | None


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def training_target(
    weak_scores: Sequence[float], strong_scores: Sequence[float]
) -> NDArray[np.float64]:
    """Soft label per prompt: how much better the strong answer is, clipped to [0, 1]."""
    gap = np.asarray(strong_scores, dtype=np.float64) - np.asarray(weak_scores, dtype=np.float64)
    return np.clip(gap, 0.0, 1.0)


class LearnedClassifier:
    """P(cheap answer is good enough) from the prompt and, when given, the cheap answer.

    Typical use::

        classifier = LearnedClassifier().fit(rows, weak="small-model", strong="big-model")
        classifier.save(".agentrunner/router")
        classifier = LearnedClassifier.load(".agentrunner/router")
        p_ok = classifier.predict("Rename Foo to Bar in src/", cheap_answer=None)
    """

    def __init__(self) -> None:
        self.spec: FeatureSpec = FEATURE_SPEC
        self.metadata: dict[str, Any] = {}
        self._models: _TrainedModels | None = None

    # -- training ------------------------------------------------------------------------------

    def fit(
        self,
        rows: Sequence[OutcomeRow],
        weak: str,
        strong: str,
        *,
        dataset_path: str | Path | None = None,
        cv_metrics: dict[str, Any] | None = None,
    ) -> LearnedClassifier:
        """Train on outcome rows; ``rows`` lacking either model's outcome are skipped."""
        started = time.perf_counter()
        usable = [row for row in rows if weak in row.outcomes and strong in row.outcomes]
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
        prompt_model = _LinearTextModel(uses_answer=False).fit(prompts, answers, target)
        with_answer = np.array([_has_text(answer) for answer in answers])
        cascade_model = None
        if with_answer.sum() >= MIN_ROWS_WITH_ANSWER:
            chosen = np.nonzero(with_answer)[0]
            cascade_model = _LinearTextModel(uses_answer=True).fit(
                [prompts[int(i)] for i in chosen], [answers[int(i)] for i in chosen], target[chosen]
            )
        self._models = _TrainedModels(prompt_model=prompt_model, cascade_model=cascade_model)
        self.metadata = {
            "dataset_path": str(dataset_path) if dataset_path is not None else None,
            "dataset_sha256": file_sha256(dataset_path) if dataset_path is not None else None,
            "n_rows": len(usable),
            "n_rows_with_cheap_answer": int(with_answer.sum()),
            "weak": weak,
            "strong": strong,
            "target": "clip(strong_score - weak_score, 0, 1); predict() returns 1 - its estimate",
            "has_cascade_model": cascade_model is not None,
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

    def _trained(self) -> _TrainedModels:
        if self._models is None:
            raise RouterModelError("the router classifier is not trained yet; call fit() or load()")
        return self._models

    def predict(self, prompt: str, cheap_answer: str | None = None) -> float:
        """P(cheap answer is good enough); uses the cheap answer's features when it is given."""
        models = self._trained()
        if models.cascade_model is not None and _has_text(cheap_answer):
            return 1.0 - models.cascade_model.strong_better_probability_one(prompt, cheap_answer)
        return 1.0 - models.prompt_model.strong_better_probability_one(prompt, None)

    def predict_many(
        self, prompts: Sequence[str], cheap_answers: Sequence[str | None] | None = None
    ) -> NDArray[np.float64]:
        """:meth:`predict` for many prompts at once (vectorised)."""
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
        for cascade, model in ((False, models.prompt_model), (True, models.cascade_model)):
            chosen = np.nonzero(use_cascade == cascade)[0]
            if len(chosen) == 0 or model is None:
                continue
            strong_better[chosen] = model.strong_better_probability(
                [prompts[int(i)] for i in chosen], [answers[int(i)] for i in chosen]
            )
        return 1.0 - strong_better

    def strong_scores(
        self, prompts: Sequence[str], cheap_answers: Sequence[str | None] | None = None
    ) -> NDArray[np.float64]:
        """Routing scores for evaluation: higher = send to the strong tier (``1 - predict``)."""
        return 1.0 - self.predict_many(prompts, cheap_answers)

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
        if saved_spec != FEATURE_SPEC:
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
        classifier = cls()
        classifier._models = models
        classifier.metadata = dict(document.get("training") or {})
        return classifier


__all__ = [
    "ANSWER_FEATURE_NAMES",
    "LearnedClassifier",
    "ModelSpecMismatch",
    "RouterModelError",
    "file_sha256",
    "training_target",
]
