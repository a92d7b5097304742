"""Scorers on crafted pairs, and the judge's position swap against a scripted loopback peer."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentrunner.chat import ChatRequest
from agentrunner.config import parse_config
from agentrunner.errors import UsageError
from agentrunner.gateway import CallContext, Gateway
from agentrunner.ledger import Ledger
from agentrunner.replay.scorers import (
    JudgeScorer,
    ScorerSet,
    final_number,
    make_scorer,
    normalise,
    parse_numbers,
    parse_verdict,
)
from tests.support.replay_stubs import StubOpenAI, stub_tier


def score(spec: str, candidate: str, reference: str) -> float:
    return make_scorer(spec).score(candidate, reference).value


def test_exact_only_ignores_surrounding_space() -> None:
    assert score("exact", "  Paris\n", "Paris") == 1.0
    assert score("exact", "paris", "Paris") == 0.0


def test_normalised_ignores_case_punctuation_space_and_unicode_forms() -> None:
    assert score("normalised", "  HELLO,   world!! ", "hello world") == 1.0
    # NFKC: full-width letters and the "ﬁ" ligature are the same text; case folding handles ß.
    assert score("normalised", "ＰＡＲＩＳ ﬁne", "paris fine") == 1.0
    assert score("normalised", "STRASSE", "straße") == 1.0
    assert score("normalised", "Café", "Cafe") == 0.0  # accents are meaning, not formatting
    assert normalise("a\u00a0b\tc") == "a b c"


def test_json_ignores_key_order_and_number_spelling() -> None:
    assert score("json", '{"b": [1, 2], "a": {"y": 1, "x": "é"}}', '{"a": {"x": "é", "y": 1.0}, "b": [1, 2]}') == 1.0
    assert score("json", '```json\n{"a": 1}\n```', '{"a": 1}') == 1.0
    assert score("json", '{"b": [2, 1], "a": 1}', '{"a": 1, "b": [1, 2]}') == 0.0  # list order matters
    assert score("json", '{"a": true}', '{"a": 1}') == 0.0  # true is not 1
    assert score("json", "not json", '{"a": 1}') == 0.0


def test_json_partial_credit() -> None:
    value = score("json:partial", '{"a": 1, "b": 2, "c": 0, "d": 4}', '{"a": 1, "b": 2, "c": 3, "d": 4}')
    assert value == pytest.approx(0.75)
    assert score("json:partial", '{"a": 1}', '{"a": 1}') == 1.0


def test_contains_and_regex() -> None:
    assert score("contains", "The capital is PARIS.", "paris") == 1.0
    assert score("contains", "The capital is Lyon.", "paris") == 0.0
    assert score(r"regex:#### (\d+)", "work...\n#### 540", "so #### 540") == 1.0
    assert score(r"regex:#### (\d+)", "work...\n#### 541", "so #### 540") == 0.0
    assert score(r"regex:^\{", '{"ok": true}', "anything") == 1.0
    assert score(r"regex:^\{", "no", "anything") == 0.0
    with pytest.raises(UsageError, match="invalid regular expression"):
        make_scorer("regex:(")


@pytest.mark.parametrize(
    ("candidate", "reference"),
    [
        ("The total is 1,000 dollars", "1000"),
        ("It costs $5.00.", "5"),
        ("5.0", "the answer is 5"),
        ("#### 540", "540 meters"),
        ("−3 degrees", "-3"),  # unicode minus
        ("1.5e3", "1500"),
        ("x = 0.50", ".5"),
    ],
)
def test_numeric_equal_across_formats(candidate: str, reference: str) -> None:
    assert score("numeric", candidate, reference) == 1.0


def test_numeric_uses_the_final_number() -> None:
    assert score("numeric", "3 x 60 = 180, times 3 = 540", "540") == 1.0
    assert score("numeric", "540 then I recomputed: 541", "540") == 0.0
    assert score("numeric", "no number here", "540") == 0.0
    assert parse_numbers("1,234,567.5 and -2") == [1234567.5, -2.0]
    assert final_number("nothing") is None


def test_similarity_is_graded() -> None:
    assert score("similarity", "Hello World", "hello world!") == 1.0
    middle = score("similarity", "the quick brown fox", "the quick brown dog")
    assert 0.7 < middle < 1.0
    assert score("similarity", "abc", "xyz") < 0.2


def test_auto_picks_by_the_baseline_shape() -> None:
    auto = make_scorer("auto")
    assert auto.score('{"b":2,"a":1}', '{"a": 1, "b": 2}').details["scorer"] == "json"
    assert auto.score("It is $1,000", "1000").value == 1.0
    assert auto.score("hello there", "hello there!").details["scorer"] == "similarity"


def test_unknown_scorer_and_judge_without_tier_are_clear_errors() -> None:
    with pytest.raises(UsageError, match="unknown scorer 'bleu'"):
        make_scorer("bleu")
    with pytest.raises(UsageError, match="judge"):
        make_scorer("judge")


def test_scorer_set_per_step_kind_and_override() -> None:
    scorers = ScorerSet({"plan": "similarity", "act": "json"})
    assert scorers.for_kind("plan").name == "similarity"
    assert scorers.for_kind("act").name == "json"
    assert scorers.for_kind("verify").name == "auto"
    assert ScorerSet({"act": "json"}, "numeric").for_kind("act").name == "numeric"
    with pytest.raises(UsageError):
        ScorerSet({"act": "nope"})


def test_parse_verdict() -> None:
    assert parse_verdict("A") == "A"
    assert parse_verdict("**B** is better") == "B"
    assert parse_verdict("tie.") == "TIE"
    assert parse_verdict("neither") is None


# -- the judge --------------------------------------------------------------------------------


def _answers_in(messages: list[dict[str, object]]) -> tuple[str, str]:
    text = str(messages[-1]["content"])
    a = text.split("[Answer A]\n", 1)[1].split("\n[End of A]", 1)[0]
    b = text.split("[Answer B]\n", 1)[1].split("\n[End of B]", 1)[0]
    return a, b


def judge_peer(model: str, messages: list[dict[str, object]]) -> str:
    """Scripted judges: ``biased`` always prefers position A (a pure order bias); ``fair`` prefers
    the answer that says 42, whatever its position."""
    if model == "biased":
        return "A"
    a, b = _answers_in(messages)
    if ("42" in a) == ("42" in b):
        return "TIE"
    return "A" if "42" in a else "B"


@pytest.fixture
def judge_gateway(tmp_path: Path):  # type: ignore[no-untyped-def]
    with StubOpenAI(judge_peer) as stub:
        text = stub_tier("biased", stub.base_url, "biased", input_per_mtok=1, output_per_mtok=1)
        text += stub_tier("fair", stub.base_url, "fair", input_per_mtok=1, output_per_mtok=1)
        config = parse_config(text)
        ledger = Ledger(tmp_path / "judge.db")
        gateway = Gateway(config, ledger)
        yield gateway, ledger, stub
        gateway.close()
        ledger.close()


def _judge(gateway: Gateway, tier: str) -> JudgeScorer:
    def call(request: ChatRequest):  # type: ignore[no-untyped-def]
        return gateway.call(tier, request, CallContext(step_kind="judge", replay_of="baseline-1"))

    return JudgeScorer(call, tier=tier)


def test_position_swap_cancels_a_biased_judge(judge_gateway) -> None:  # type: ignore[no-untyped-def]
    gateway, ledger, stub = judge_gateway
    judge = _judge(gateway, "biased")
    good = judge.score("The answer is 42.", "The answer is 41.", prompt="What is 6 x 7?")
    bad = judge.score("The answer is 41.", "The answer is 42.", prompt="What is 6 x 7?")
    # Asked once, the biased judge would give the new answer 0 or 1 depending only on its position.
    # Asked both ways, the order bias cannot decide: every pair gets 0.5, flagged inconsistent.
    assert good.value == bad.value == 0.5
    assert good.details["verdicts"] == ["A", "A"]
    assert good.details["consistent"] is False
    assert stub.calls["biased"] == 4
    judge_rows = ledger.count_calls("step_kind = 'judge' AND replay_of = 'baseline-1' AND status = 'ok'")
    assert judge_rows == 4  # the judge's own calls are in the ledger, priced
    assert ledger.count_calls("step_kind = 'judge' AND cost_usd > 0") == 4


def test_a_consistent_judge_scores_both_orders_alike(judge_gateway) -> None:  # type: ignore[no-untyped-def]
    gateway, _, stub = judge_gateway
    judge = _judge(gateway, "fair")
    better = judge.score("It is 42", "It is 41", prompt="6 x 7?")
    worse = judge.score("It is 41", "It is 42", prompt="6 x 7?")
    same = judge.score("42!", "it's 42", prompt="6 x 7?")
    assert better.value == 1.0 and better.details["verdicts"] == ["B", "A"] and better.details["consistent"]
    assert worse.value == 0.0 and worse.details["verdicts"] == ["A", "B"]
    assert same.value == 1.0 and same.details["verdicts"] == ["TIE", "TIE"]
    # The rubric and both answers reach the judge; the new answer is in position B first.
    first = stub.requests[0]["messages"]
    assert "Rubric:" in first[0]["content"]
    assert _answers_in(first) == ("It is 41", "It is 42")


def test_judge_name_changes_with_the_rubric() -> None:
    """Stored scores are reused by scorer name, so a new rubric must give a new name."""
    default = JudgeScorer(lambda request: None, tier="premium")  # type: ignore[arg-type, return-value]
    custom = JudgeScorer(lambda request: None, tier="premium", rubric="Prefer brevity.")  # type: ignore[arg-type, return-value]
    assert default.name == "judge:premium"
    assert custom.name.startswith("judge:premium#") and custom.name != default.name
