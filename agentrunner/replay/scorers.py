"""Scorers: how close a replayed answer is to the baseline answer the ledger recorded.

Every scorer returns a :class:`Score` in [0, 1] (1 = as good as the baseline) with details that go
to the ``scores`` table. Scorers are named by a spec string, on the command line (``--scorer``) or
per step kind in routes.toml (``[scorers] act = "json"``):

``exact``                 byte-for-byte equality (after stripping surrounding whitespace)
``normalised``            equality after Unicode NFKC, case folding, punctuation and space removal
``json``                  parsed equality, key order ignored; ``json:partial`` gives partial credit
``contains``              the normalised baseline answer occurs in the new one
``regex:PATTERN``         the new answer matches PATTERN; with a capture group, the captured text of
                          both answers must be equal (normalised)
``numeric``               the final number of each answer is equal (``1,000`` = ``1000``,
                          ``$5.00`` = ``5``, ``5.0`` = ``5``)
``similarity``            rapidfuzz ratio of the normalised texts
``judge`` / ``judge:TIER`` an LLM judge on a tier with a rubric, asked twice with the answers in both
                          positions (A-vs-B and B-vs-A) and averaged, which cancels position bias
``auto``                  the default: ``json`` when the baseline is JSON, ``numeric`` when it is a
                          number, else ``similarity``
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from rapidfuzz import fuzz

from ..chat import ChatRequest, ChatResponse, Message
from ..errors import UsageError

SCORER_NAMES = ("auto", "exact", "normalised", "json", "contains", "regex", "numeric", "similarity", "judge")
_ALIASES = {"normalized": "normalised", "json-equal": "json", "fuzzy": "similarity"}


@dataclass(frozen=True)
class Score:
    value: float
    details: dict[str, Any] = field(default_factory=dict)


class Scorer(Protocol):
    name: str

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score: ...


# -- text helpers ---------------------------------------------------------------------------------

_PUNCT_OR_SPACE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, case-folded, punctuation and whitespace collapsed to single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _PUNCT_OR_SPACE.sub(" ", folded).strip()


# A number as people write it: sign, currency, thousands separators, decimals, exponent.
_NUMBER_RE = re.compile(
    r"(?<![\w.])(?P<sign>[-−+]?)\s?[$€£¥]?\s?(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?P<frac>\.\d+)?"
    r"(?P<exp>[eE][-+]?\d+)?"
)


def parse_numbers(text: str) -> list[float]:
    """Every number in ``text``, in order (``1,000`` → 1000.0, ``$5.00`` → 5.0, ``−3`` → -3.0)."""
    numbers: list[float] = []
    for match in _NUMBER_RE.finditer(unicodedata.normalize("NFKC", text)):
        whole, frac = match.group("int"), match.group("frac")
        if whole is None and frac is None:
            continue
        literal = (whole or "0").replace(",", "") + (frac or "") + (match.group("exp") or "")
        try:
            value = float(literal)
        except ValueError:
            continue
        numbers.append(-value if match.group("sign") in ("-", "−") else value)
    return numbers


def final_number(text: str) -> float | None:
    """The last number in ``text`` (where answers state their result), or None."""
    numbers = parse_numbers(text)
    return numbers[-1] if numbers else None


def _parse_json(text: str) -> tuple[bool, Any]:
    stripped = text.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", stripped, re.DOTALL)
    if fenced:
        stripped = fenced.group(1)
    try:
        return True, json.loads(stripped)
    except (json.JSONDecodeError, ValueError):
        return False, None


def _json_similarity(a: Any, b: Any) -> float:
    """Partial credit: share of matching leaves, recursively (dict keys unordered, lists in order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        if not keys:
            return 1.0
        return sum(_json_similarity(a[k], b[k]) if k in a and k in b else 0.0 for k in keys) / len(keys)
    if isinstance(a, list) and isinstance(b, list):
        length = max(len(a), len(b))
        if length == 0:
            return 1.0
        return sum(_json_similarity(x, y) for x, y in zip(a, b, strict=False)) / length
    return 1.0 if _json_equal(a, b) else 0.0


def _json_equal(a: Any, b: Any) -> bool:
    # 1 and 1.0 are the same JSON number; True is not 1.
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# -- the scorers ----------------------------------------------------------------------------------


class ExactScorer:
    name = "exact"

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score:
        return Score(1.0 if candidate.strip() == reference.strip() else 0.0)


class NormalisedScorer:
    name = "normalised"

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score:
        return Score(1.0 if normalise(candidate) == normalise(reference) else 0.0)


class JsonScorer:
    def __init__(self, partial: bool = False) -> None:
        self.partial = partial
        self.name = "json:partial" if partial else "json"

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score:
        ok_ref, ref = _parse_json(reference)
        ok_cand, cand = _parse_json(candidate)
        if not ok_ref:
            # Nothing structured to compare against: fall back to normalised text equality.
            same = normalise(candidate) == normalise(reference)
            return Score(1.0 if same else 0.0, {"reference_json": False})
        if not ok_cand:
            return Score(0.0, {"candidate_json": False})
        if _json_equal(cand, ref):
            return Score(1.0)
        return Score(_json_similarity(cand, ref) if self.partial else 0.0)


class ContainsScorer:
    name = "contains"

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score:
        needle = normalise(reference)
        return Score(1.0 if needle in normalise(candidate) else 0.0)


class RegexScorer:
    def __init__(self, pattern: str) -> None:
        try:
            self.pattern = re.compile(pattern, re.DOTALL)
        except re.error as exc:
            raise UsageError(f"scorer regex:{pattern}: invalid regular expression: {exc}") from None
        self.name = f"regex:{pattern}"

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score:
        found = self.pattern.search(candidate)
        if found is None:
            return Score(0.0, {"matched": False})
        if self.pattern.groups == 0:
            return Score(1.0, {"matched": True})
        expected = self.pattern.search(reference)
        if expected is None:
            return Score(1.0, {"matched": True, "reference_matched": False})
        same = normalise(found.group(1) or "") == normalise(expected.group(1) or "")
        return Score(1.0 if same else 0.0, {"candidate": found.group(1), "reference": expected.group(1)})


class NumericScorer:
    name = "numeric"

    def __init__(self, rel_tol: float = 1e-6) -> None:
        self.rel_tol = rel_tol

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score:
        want, got = final_number(reference), final_number(candidate)
        details = {"reference": want, "candidate": got}
        if want is None:
            same = normalise(candidate) == normalise(reference)
            return Score(1.0 if same else 0.0, details)
        if got is None:
            return Score(0.0, details)
        return Score(1.0 if math.isclose(got, want, rel_tol=self.rel_tol, abs_tol=1e-9) else 0.0, details)


class SimilarityScorer:
    name = "similarity"

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score:
        a, b = normalise(candidate), normalise(reference)
        if not a and not b:
            return Score(1.0)
        return Score(round(fuzz.ratio(a, b) / 100.0, 6))


class AutoScorer:
    """Picks a scorer from the shape of the baseline answer."""

    name = "auto"

    def __init__(self) -> None:
        self._json = JsonScorer(partial=False)
        self._numeric = NumericScorer()
        self._similarity = SimilarityScorer()

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score:
        ok, parsed = _parse_json(reference)
        if ok and isinstance(parsed, dict | list):
            chosen: Scorer = self._json
        elif re.fullmatch(r"\s*[-−+]?[$€£]?\s?[\d,]*\.?\d+\s*%?\s*", reference):
            chosen = self._numeric
        else:
            chosen = self._similarity
        result = chosen.score(candidate, reference, prompt=prompt)
        return Score(result.value, {**result.details, "scorer": chosen.name})


# -- the judge --------------------------------------------------------------------------------

DEFAULT_RUBRIC = (
    "Judge which answer better fulfils the request: correct, complete, follows the instructions "
    "and the required format. Length and style do not matter unless the request asks for them."
)

JUDGE_SYSTEM = (
    "You are a strict, impartial judge comparing two answers to the same request.\n"
    "Rubric: {rubric}\n"
    "Reply with exactly one word: A if answer A is better, B if answer B is better, TIE if they are "
    "equally good."
)

JUDGE_USER = (
    "Request:\n{prompt}\n\n[Answer A]\n{a}\n[End of A]\n\n[Answer B]\n{b}\n[End of B]\n\nVerdict (A, B or TIE):"
)

_VERDICT_RE = re.compile(r"\b(TIE|A|B)\b", re.IGNORECASE)

#: ``call(request) -> response``: how the judge reaches its tier (the replay engine passes a function
#: that goes through the gateway with step kind ``judge`` and the response cache).
JudgeCall = Callable[[ChatRequest], ChatResponse]


def parse_verdict(text: str) -> str | None:
    """``A``, ``B`` or ``TIE`` from a judge's reply (the first one it states), or None."""
    match = _VERDICT_RE.search(text.replace("*", " "))
    return match.group(1).upper() if match else None


class JudgeScorer:
    """Pairwise LLM judge, position-swapped.

    It asks twice — baseline as A and the new answer as B, then the other way round — and averages.
    Per ordering the new answer scores 1 when it is judged better or equal (TIE) and 0 when the
    baseline is judged better, so a judge that always prefers position A (or B) gives 0.5 to every
    pair: the bias cannot push a score to 0 or 1 on its own. An unparseable verdict counts as 0.5.
    """

    def __init__(self, call: JudgeCall, *, tier: str, rubric: str = DEFAULT_RUBRIC, max_tokens: int = 8) -> None:
        self.call = call
        self.tier = tier
        self.rubric = rubric
        self.max_tokens = max_tokens
        # Scores are reused by scorer name: a different rubric must not reuse the old verdicts.
        digest = hashlib.sha256(rubric.encode("utf-8")).hexdigest()[:8]
        self.name = f"judge:{tier}" if rubric == DEFAULT_RUBRIC else f"judge:{tier}#{digest}"

    def request(self, prompt: str, a: str, b: str) -> ChatRequest:
        return ChatRequest(
            messages=[
                Message(role="system", content=JUDGE_SYSTEM.format(rubric=self.rubric)),
                Message(role="user", content=JUDGE_USER.format(prompt=prompt, a=a, b=b)),
            ],
            max_tokens=self.max_tokens,
            temperature=0.0,
        )

    def _ask(self, prompt: str, a: str, b: str) -> tuple[str | None, str | None]:
        response = self.call(self.request(prompt, a, b))
        return parse_verdict(response.text), response.call_id

    def score(self, candidate: str, reference: str, *, prompt: str = "") -> Score:
        first, first_call = self._ask(prompt, reference, candidate)  # new answer in position B
        second, second_call = self._ask(prompt, candidate, reference)  # new answer in position A
        values = [_verdict_value(first, new_position="B"), _verdict_value(second, new_position="A")]
        return Score(
            sum(values) / 2,
            {
                "verdicts": [first, second],
                "orders": ["baseline=A,new=B", "new=A,baseline=B"],
                "consistent": values[0] == values[1],
                "judge_calls": [first_call, second_call],
            },
        )


def _verdict_value(verdict: str | None, *, new_position: str) -> float:
    if verdict is None:
        return 0.5
    if verdict == "TIE" or verdict == new_position:
        return 1.0
    return 0.0


# -- lookup -----------------------------------------------------------------------------------


def make_scorer(
    spec: str,
    *,
    judge_call: Callable[[str], JudgeCall] | None = None,
    default_judge_tier: str | None = None,
    rubric: str = DEFAULT_RUBRIC,
) -> Scorer:
    """The scorer a spec string names. ``judge_call(tier)`` gives the call function for a judge."""
    name, _, argument = spec.strip().partition(":")
    name = _ALIASES.get(name.lower(), name.lower())
    if name == "auto":
        return AutoScorer()
    if name == "exact":
        return ExactScorer()
    if name == "normalised":
        return NormalisedScorer()
    if name == "json":
        if argument not in ("", "partial"):
            raise UsageError(f"scorer {spec!r}: json takes no argument or 'partial'")
        return JsonScorer(partial=argument == "partial")
    if name == "contains":
        return ContainsScorer()
    if name == "regex":
        if not argument:
            raise UsageError(f"scorer {spec!r}: regex needs a pattern, e.g. regex:'#### (\\d+)'")
        return RegexScorer(argument)
    if name == "numeric":
        return NumericScorer()
    if name == "similarity":
        return SimilarityScorer()
    if name == "judge":
        tier = argument or default_judge_tier
        if not tier:
            raise UsageError(f"scorer {spec!r}: name the judge's tier, e.g. judge:premium")
        if judge_call is None:
            raise UsageError(f"scorer {spec!r}: the judge needs model calls, which this mode cannot make")
        return JudgeScorer(judge_call(tier), tier=tier, rubric=rubric)
    raise UsageError(f"unknown scorer {spec!r}; known: {', '.join(SCORER_NAMES)}")


class ScorerSet:
    """The scorer for each step kind: ``--scorer`` wins, else routes.toml ``[scorers]``, else auto."""

    def __init__(
        self,
        by_kind: dict[str, str],
        override: str | None = None,
        *,
        judge_call: Callable[[str], JudgeCall] | None = None,
        default_judge_tier: str | None = None,
        rubric: str = DEFAULT_RUBRIC,
    ) -> None:
        self.by_kind = dict(by_kind)
        self.override = override
        self._kwargs: dict[str, Any] = {
            "judge_call": judge_call,
            "default_judge_tier": default_judge_tier,
            "rubric": rubric,
        }
        self._cache: dict[str, Scorer] = {}
        # Fail fast on a bad spec (before any model call is paid for).
        for spec in ([override] if override else list(self.by_kind.values())):
            self._get(spec)

    def _get(self, spec: str) -> Scorer:
        if spec not in self._cache:
            self._cache[spec] = make_scorer(spec, **self._kwargs)
        return self._cache[spec]

    def for_kind(self, kind: str | None) -> Scorer:
        if self.override:
            return self._get(self.override)
        spec = self.by_kind.get(kind or "") or self.by_kind.get("default") or "auto"
        return self._get(spec)
