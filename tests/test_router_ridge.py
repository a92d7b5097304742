"""The embedding ridge score as a router feature: cross-fitted so nothing leaks, regressed on the
signed quality gap, the same value one prompt at a time as in batch. Synthetic embeddings (plain
NumPy vectors), so no model is needed; the real Gemma path is covered in test_router_semantic."""

from __future__ import annotations

import json

import numpy as np
from numpy.typing import NDArray

from agentrunner.router.evaluate import LEARNED_PROMPT_ONLY_RIDGE, cross_validated_scores
from agentrunner.router.learned import EMBEDDING_RIDGE, PROMPT_DENSE, _LinearTextModel
from agentrunner.router.outcomes import OutcomeRow, parse_outcome_line
from agentrunner.router.ridge import EmbeddingRidge, cross_fitted_scores


def synthetic(n: int, dims: int = 40, seed: int = 0) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Embeddings whose first direction decides whether the strong model is better."""
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, dims))
    gap = (vectors[:, 0] + 0.3 * rng.normal(size=n) > 0.4).astype(float)
    return vectors, gap


def auc(scores: NDArray[np.float64], labels: NDArray[np.float64]) -> float:
    positive, negative = scores[labels > 0], scores[labels <= 0]
    return float((positive[:, None] > negative[None, :]).mean())


def test_a_rows_ridge_score_never_depends_on_its_own_target() -> None:
    vectors, gap = synthetic(60)
    scores = cross_fitted_scores(vectors, gap)
    flipped = gap.copy()
    flipped[7] = 1.0 - flipped[7]
    assert cross_fitted_scores(vectors, flipped)[7] == scores[7]
    # An in-sample fit would move with the row's own label; the cross-fit does not.
    assert EmbeddingRidge().fit(vectors, flipped).predict(vectors[7:8])[0] != EmbeddingRidge().fit(
        vectors, gap
    ).predict(vectors[7:8])[0]


def test_noise_embeddings_get_no_weight_in_the_router() -> None:
    """Pure-noise embeddings (wider than the rows): an in-sample ridge would fit the training
    labels almost perfectly and the regression would trust it; cross-fitted, it earns ~nothing."""
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(120, 300))
    target = (rng.random(120) < 0.4).astype(float)
    prompts = [f"prompt {i}" for i in range(120)]
    model = _LinearTextModel(False, frozenset({EMBEDDING_RIDGE})).fit(prompts, [None] * 120, target, vectors)
    assert abs(model.ridge_weight) < 0.5
    fresh = rng.normal(size=(200, 300))
    spread = model.strong_better_probability([f"p{i}" for i in range(200)], [None] * 200, fresh)
    assert float(spread.max() - spread.min()) < 0.3


def test_the_ridge_feature_ranks_by_meaning_and_one_equals_many() -> None:
    vectors, gap = synthetic(300)
    prompts = [f"Question number {i}?" for i in range(300)]
    families = frozenset({EMBEDDING_RIDGE, PROMPT_DENSE})
    model = _LinearTextModel(False, families).fit(prompts[:200], [None] * 200, gap[:200], vectors[:200])
    assert model.ridge is not None and model.ridge_weight > 0
    batch = model.strong_better_probability(prompts[200:], [None] * 100, vectors[200:])
    assert auc(batch, gap[200:]) > 0.85
    for i in (200, 250, 299):
        one = model.strong_better_probability_one(prompts[i], None, vectors[i])
        assert abs(one - batch[i - 200]) < 1e-9


def test_the_ridge_reads_the_signed_gap() -> None:
    """Prompts where the weak answer is the better one (gap −1) are information the clipped target
    (0, like a tie) throws away: the ridge must see them."""
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(200, 20))
    gap = np.where(vectors[:, 1] > 0.5, -1.0, np.where(vectors[:, 0] > 0.5, 1.0, 0.0))
    target = np.clip(gap, 0.0, 1.0)
    prompts = [f"p{i}" for i in range(200)]
    signed = _LinearTextModel(False, frozenset({EMBEDDING_RIDGE})).fit(prompts, [None] * 200, target, vectors, gap)
    assert signed.ridge is not None and signed.ridge.coef[1] < -0.01
    clipped = _LinearTextModel(False, frozenset({EMBEDDING_RIDGE})).fit(prompts, [None] * 200, target, vectors)
    assert clipped.ridge is not None and abs(clipped.ridge.coef[1]) < abs(signed.ridge.coef[1]) / 3


def rows_for(gap: NDArray[np.float64]) -> list[OutcomeRow]:
    lines = []
    for i, value in enumerate(gap):
        weak = 0.0 if value > 0 else 1.0
        lines.append(
            parse_outcome_line(
                json.dumps({"id": f"r{i}", "prompt": f"Question {i}?",
                            "outcomes": {"small": {"score": weak}, "big": {"score": 1.0}}}),
                "synthetic",
                i + 1,
            )
        )
    return lines


class VectorsByPrompt:
    """Stands in for the GGUF embedder (a real one is tested with Gemma in test_router_semantic)."""

    def __init__(self, rows: list[OutcomeRow], vectors: NDArray[np.float64]) -> None:
        from agentrunner.router.embedding import EmbeddingSpec

        self.spec = EmbeddingSpec()
        self.by_prompt = {row.prompt: vector for row, vector in zip(rows, vectors, strict=True)}

    def embed_many(self, prompts: list[str]) -> NDArray[np.float64]:
        return np.vstack([self.by_prompt[prompt] for prompt in prompts])


def test_router_eval_reports_the_ridge_family_alone() -> None:
    vectors, gap = synthetic(150)
    rows = rows_for(gap)
    embedder = VectorsByPrompt(rows, vectors)
    scores = cross_validated_scores(rows, "small", "big", 5, 0, embedding=embedder.spec, embedder=embedder)  # type: ignore[arg-type]
    assert LEARNED_PROMPT_ONLY_RIDGE in scores
    assert auc(scores[LEARNED_PROMPT_ONLY_RIDGE], gap) > 0.75
    without = cross_validated_scores(rows, "small", "big", 5, 0)
    assert LEARNED_PROMPT_ONLY_RIDGE not in without
