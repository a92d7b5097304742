"""The cascade stage: a learned classifier that reads the cheap tier's own answer sends a passing but
doubtful cheap answer up a tier. Real scikit-learn model trained on a small synthetic outcome set."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentrunner.config import parse_config
from agentrunner.ledger import Ledger
from agentrunner.providers.base import Availability
from agentrunner.router import Router, Step
from agentrunner.router.learned import LearnedClassifier
from agentrunner.router.outcomes import ModelOutcome, OutcomeRow
from agentrunner.router.router import LearnedAdapter

TWO_TIERS = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
cost_per_hour = 0.05

[tiers.big]
provider = "openai"
model = "big"
base_url = "http://127.0.0.1:9/v1"
price = { input_per_mtok = 1.0, output_per_mtok = 2.0 }

[router]
classifier = "learned"
threshold = 0.4
"""

GOOD = "The total is 42, computed as 6 * 7 = 42. Final answer: 42."
BAD = "I am not sure. Maybe it is something, hard to say, perhaps."


def synthetic_rows(count: int = 60) -> list[OutcomeRow]:
    """Prompts carry no signal; the cheap answer does: confident answers were right, hedges wrong."""
    rows = []
    for index in range(count):
        good = index % 2 == 0
        rows.append(
            OutcomeRow(
                id=f"r{index}",
                prompt=f"Work out the total for order number {index}.",
                outcomes={
                    "small": ModelOutcome(score=1.0 if good else 0.0, response=GOOD if good else BAD),
                    "large": ModelOutcome(score=1.0, response="42"),
                },
            )
        )
    return rows


@pytest.fixture
def router(tmp_path: Path) -> Router:
    classifier = LearnedClassifier().fit(synthetic_rows(), "small", "large")
    assert classifier.has_cascade_model
    config = parse_config(TWO_TIERS, source_path=tmp_path / "routes.toml")
    return Router(
        config,
        Ledger(tmp_path / "ledger.db"),
        lambda tier: Availability(True),
        classifier=LearnedAdapter(classifier),
    )


def test_doubtful_cheap_answer_escalates_and_confident_one_stays(router: Router) -> None:
    step = Step(instruction="Work out the total for order number 999.", prompt_tokens=20, max_tokens=16)
    decision = router.choose(step)
    router.release(decision)
    assert decision.tier == "local" and decision.fallbacks == ["big"]

    doubtful = router.review_answer(step, decision, BAD)
    assert doubtful is not None and doubtful.verdict == "escalate"
    confident = router.review_answer(step, decision, GOOD)
    assert confident is not None and confident.verdict == "accept"


def test_no_review_when_nothing_above_can_take_the_step(router: Router) -> None:
    step = Step(instruction="Work out the total for order number 7.", prompt_tokens=20, max_tokens=16)
    decision = router.choose(step)
    router.release(decision)
    router.availability = lambda tier: Availability(tier == "local", "" if tier == "local" else "down")
    assert router.review_answer(step, decision, BAD) is None  # rejecting would only fail the item


def test_prompt_only_classifier_never_reviews(tmp_path: Path) -> None:
    rows = [
        OutcomeRow(id=r.id, prompt=r.prompt, outcomes={k: ModelOutcome(score=v.score) for k, v in r.outcomes.items()})
        for r in synthetic_rows()
    ]
    classifier = LearnedClassifier().fit(rows, "small", "large")
    config = parse_config(TWO_TIERS, source_path=tmp_path / "routes.toml")
    router = Router(
        config, Ledger(tmp_path / "l.db"), lambda tier: Availability(True), classifier=LearnedAdapter(classifier)
    )
    step = Step(instruction="Work out the total for order number 1.", prompt_tokens=20, max_tokens=16)
    decision = router.choose(step)
    router.release(decision)
    assert router.review_answer(step, decision, BAD) is None
