"""A ridge regression of the quality gap on the prompt's embedding, used as one router feature.

The probe of issue 18 found that a ridge regression from the (standardised) prompt embedding to
"how much better is the strong answer" ranks prompts better than the same 640 numbers inside the
router's logistic regression, where one L2 penalty has to serve the few dense features and the
wide embedding at once. :class:`EmbeddingRidge` is that regression; the router reads its output as
a single feature next to TF-IDF and the dense features.

Nothing may leak: the logistic regression that weighs the ridge score must see, for each training
row, a score from a ridge that did not see that row (else it would learn to trust an in-sample fit
that is far too good). :func:`cross_fitted_scores` gives those out-of-fold scores (inner k-fold
inside whatever rows it is given — in ``router eval`` that is the outer training fold only); the
ridge kept for prediction is fitted on all of them. The penalty α is chosen by generalised
cross-validation (scikit-learn's ``RidgeCV``) on the rows of each fit alone.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold

#: Penalties tried (on standardised embeddings; 10**4 was best for 640 Gemma dimensions on ~300 rows).
RIDGE_ALPHAS: tuple[float, ...] = tuple(float(10.0**k) for k in np.arange(1.0, 6.51, 0.5))
#: Inner folds of the cross-fit that produces the training rows' ridge scores.
INNER_FOLDS = 5


class EmbeddingRidge:
    """``score = embedding · coef + intercept``, the estimated quality gap (higher = strong better)."""

    def __init__(self) -> None:
        self.coef = np.zeros(0)
        self.intercept = 0.0
        self.alpha = float("nan")

    def fit(self, embeddings: NDArray[np.float64], target: NDArray[np.float64]) -> EmbeddingRidge:
        matrix = np.asarray(embeddings, dtype=np.float64)
        values = np.asarray(target, dtype=np.float64)
        if len(values) < 3 or float(values.min()) == float(values.max()):
            # Too few rows to choose a penalty, or nothing to learn: the mean is the honest estimate.
            self.coef = np.zeros(matrix.shape[1])
            self.intercept = float(values.mean()) if len(values) else 0.0
            return self
        model = RidgeCV(alphas=RIDGE_ALPHAS).fit(matrix, values)
        self.coef = np.asarray(model.coef_, dtype=np.float64)
        self.intercept = float(model.intercept_)
        self.alpha = float(model.alpha_)
        return self

    def predict(self, embeddings: NDArray[np.float64]) -> NDArray[np.float64]:
        scores: NDArray[np.float64] = np.asarray(embeddings, dtype=np.float64) @ self.coef + self.intercept
        return scores


def cross_fitted_scores(
    embeddings: NDArray[np.float64], target: NDArray[np.float64], folds: int = INNER_FOLDS, seed: int = 0
) -> NDArray[np.float64]:
    """Each row's ridge score from a ridge fitted on the other inner folds (never on that row)."""
    matrix = np.asarray(embeddings, dtype=np.float64)
    values = np.asarray(target, dtype=np.float64)
    n_rows = len(values)
    scores = np.full(n_rows, float(values.mean()) if n_rows else 0.0)
    folds = min(folds, n_rows)
    if folds < 2:
        return scores
    for train_index, test_index in KFold(n_splits=folds, shuffle=True, random_state=seed).split(matrix):
        scores[test_index] = EmbeddingRidge().fit(matrix[train_index], values[train_index]).predict(matrix[test_index])
    return scores


__all__ = ["INNER_FOLDS", "RIDGE_ALPHAS", "EmbeddingRidge", "cross_fitted_scores"]
