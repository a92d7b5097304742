"""The default classifier, before any training: a hand-weighted logistic score of a step's features.

It estimates P(the cheapest tier's answer is good enough) as

    p = 1 / (1 + exp(-z))
    z = 1.0                                     bias: cheap is the default
        + KIND[step.kind]                       summarise +0.8, verify +0.3, act 0, replay 0,
                                                plan −0.7, judge −1.0
        − 0.5 · log2(1 + chars / 400)           longer instructions are harder
        − 0.9 · [code words]  − 0.3 · min(extra code words, 3)
        − 0.7 · [reasoning words] − 0.3 · min(extra reasoning words, 3)
        + 0.6 · [simple-task words]
        − 0.3 · [needs JSON] − 0.4 · [needs tools]
        − 0.4 · [max_tokens > 1024]
        − 0.15 · max(files − 1, 0) (at most −0.6)
        − 1.5 · [a "hard" tag: critical, important, hard, complex, security, prod]
        + 1.0 · [an "easy" tag: easy, trivial, simple, chore]

where ``[x]`` is 1 when x holds. The word lists are in this module (:data:`CODE_WORDS`, …). The
weights are a prior, not a fit: a 270M-parameter local model handles summaries, extraction and
reformatting, and fails at multi-step reasoning and code. Train the learned classifier on your own
outcomes (`agentrunner router train`) to replace them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .types import Step

BIAS = 1.0
KIND_WEIGHTS: dict[str, float] = {
    "summarise": 0.8,
    "verify": 0.3,
    "act": 0.0,
    "replay": 0.0,
    "plan": -0.7,
    "judge": -1.0,
}
LENGTH_WEIGHT = -0.5
LENGTH_UNIT_CHARS = 400
CODE_WORDS = (
    "code", "function", "class", "method", "refactor", "bug", "debug", "implement", "compile",
    "traceback", "exception", "stack trace", "regex", "sql", "query", "api", "unit test", "pytest",
    "python", "javascript", "typescript", "rust", "golang", "java", "c++", "def ", "```", "diff",
    "patch", "migration", "algorithm", "concurrency", "thread",
)
REASONING_WORDS = (
    "why", "prove", "proof", "design", "architecture", "trade-off", "tradeoff", "analyse", "analyze",
    "strategy", "evaluate", "derive", "calculate", "step by step", "reason", "root cause", "optimi",
    "plan", "compare", "decide", "estimate", "critique", "review",
)
SIMPLE_WORDS = (
    "summarise", "summarize", "summary", "list", "extract", "translate", "format", "classify",
    "bullet", "title", "tl;dr", "typo", "spell", "rename", "copy", "short", "one line", "sort",
)
HARD_TAGS = frozenset({"critical", "important", "hard", "complex", "security", "prod"})
EASY_TAGS = frozenset({"easy", "trivial", "simple", "chore"})


def _word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Matches any of the words at a word start (so "plan" matches "planning" but not "airplane")."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})", re.IGNORECASE)


_CODE = _word_pattern(CODE_WORDS)
_REASONING = _word_pattern(REASONING_WORDS)
_SIMPLE = _word_pattern(SIMPLE_WORDS)


@dataclass(frozen=True)
class HeuristicScore:
    probability: float
    contributions: dict[str, float]  # feature name → its term in z (non-zero terms only)

    def explain(self) -> str:
        terms = ", ".join(f"{name} {value:+.2f}" for name, value in self.contributions.items())
        return f"p={self.probability:.2f} (z: {terms})"


class HeuristicClassifier:
    """P(cheap tier is good enough) from a step's features; see the module docstring for the formula."""

    name = "heuristic"
    reads_answers = False  # the formula reads the prompt only

    def explain(self, step: Step) -> str:
        return self.breakdown(step).explain()

    def breakdown(self, step: Step) -> HeuristicScore:
        text = step.instruction
        terms: dict[str, float] = {"bias": BIAS}
        terms[f"kind={step.kind}"] = KIND_WEIGHTS.get(step.kind, 0.0)
        terms["length"] = LENGTH_WEIGHT * math.log2(1 + len(text) / LENGTH_UNIT_CHARS)
        code = len({m.group(0).lower() for m in _CODE.finditer(text)})
        if code:
            terms["code words"] = -0.9 - 0.3 * min(code - 1, 3)
        reasoning = len({m.group(0).lower() for m in _REASONING.finditer(text)})
        if reasoning:
            terms["reasoning words"] = -0.7 - 0.3 * min(reasoning - 1, 3)
        if _SIMPLE.search(text):
            terms["simple words"] = 0.6
        if step.needs_json:
            terms["needs json"] = -0.3
        if step.needs_tools:
            terms["needs tools"] = -0.4
        if step.max_tokens is not None and step.max_tokens > 1024:
            terms["long output"] = -0.4
        if len(step.files) > 1:
            terms["files"] = -min(0.15 * (len(step.files) - 1), 0.6)
        tags = {tag.lower() for tag in step.tags}
        if tags & HARD_TAGS:
            terms["hard tag"] = -1.5
        if tags & EASY_TAGS:
            terms["easy tag"] = 1.0
        contributions = {name: round(value, 4) for name, value in terms.items() if value != 0.0}
        z = sum(terms.values())
        return HeuristicScore(1.0 / (1.0 + math.exp(-z)), contributions)

    def score(self, step: Step) -> float:
        return self.breakdown(step).probability


__all__ = ["HeuristicClassifier", "HeuristicScore"]
