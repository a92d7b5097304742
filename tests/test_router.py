"""The Router: hints and rules, capability limits, the heuristic classifier and its bands,
budgets (downgrade vs stop, per-item caps), escalation, and `agentrunner route`.

Tiers here are priced with routes.toml prices so worst-case costs are exact; availability comes
from a real Gateway where it matters (a tier without its API key), else every tier is available.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentrunner.budgets import budget_status
from agentrunner.chat import ChatRequest, Message, ToolSpec
from agentrunner.config import Config, load_config
from agentrunner.errors import BudgetExhausted, ConfigError
from agentrunner.gateway import Gateway
from agentrunner.ledger import CallRecord, Ledger
from agentrunner.providers.base import Availability
from agentrunner.router import (
    HeuristicClassifier,
    ItemCapExceeded,
    NoCapableTier,
    RouteContext,
    Router,
    Step,
)
from agentrunner.router.router import classifier_band

THREE_TIERS = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
max_tokens = 64
cost_per_hour = 0.05

[tiers.mid]
provider = "openai"
model = "mid-test-model"
base_url = "http://127.0.0.1:9/v1"
n_ctx = 8192
max_tokens = 100
tools = false
price = { input_per_mtok = 1.0, output_per_mtok = 2.0 }

[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-5"
api_key_env = "AGENTRUNNER_TEST_KEY"
n_ctx = 200000
max_tokens = 100
json_output = true
price = { input_per_mtok = 3.0, output_per_mtok = 15.0 }
"""


class FixedClassifier:
    """A classifier with a chosen score, to test the router's use of scores (not the scoring)."""

    name = "fixed"
    reads_answers = False

    def explain(self, step: Step) -> str:
        return ""

    def __init__(self, score: float) -> None:
        self.value = score

    def score(self, step: Step) -> float:
        return self.value


def all_available(tier: str) -> Availability:
    return Availability(True)


class _ModelsHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"object": "list", "data": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def live_mid_tiers() -> Iterator[str]:
    """THREE_TIERS with the mid tier pointing at a real OpenAI-compatible /models endpoint on
    loopback, so the gateway's availability probe finds it up."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ModelsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield THREE_TIERS.replace("http://127.0.0.1:9/v1", f"http://127.0.0.1:{server.server_address[1]}/v1")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def make_router(write_config: Callable[[str], Path]) -> Callable[..., Router]:
    def make(
        extra: str = "",
        *,
        tiers: str = THREE_TIERS,
        score: float | None = None,
        availability: Callable[[str], Availability] | None = all_available,
        run_id: str | None = None,
    ) -> Router:
        config = load_config(write_config(tiers + extra))
        ledger = Ledger.for_config(config)
        classifier = FixedClassifier(score) if score is not None else None
        return Router(config, ledger, availability, run_id=run_id, classifier=classifier)

    return make


def stage(decision, name: str, tier: str | None = None):
    return [s for s in decision.stages if s.stage == name and (tier is None or s.tier == tier)]


# -- hints and rules ------------------------------------------------------------------------


RULES = """
[[rules]]
when = { tag = "critical" }
tier = "premium"

[[rules]]
when = { kind = "plan" }
tier = "mid"

[[rules]]
when = { regex = "(?i)migrat" }
tier = "premium"
"""


def test_first_matching_rule_wins(make_router) -> None:
    router = make_router(RULES, score=1.0)
    # Matches rules 1 (tag) and 2 (kind): rule 1 decides.
    decision = router.choose(Step("Write the plan", kind="plan", tags=["critical"]))
    assert decision.tier == "premium"
    assert decision.reason == "rule 1 (tag=critical) → premium"
    assert decision.score is None
    # Matches rules 2 and 3: rule 2 decides.
    decision = router.choose(Step("Plan the database migration", kind="plan"))
    assert (decision.tier, decision.reason) == ("mid", "rule 2 (kind=plan) → mid")


def test_no_rule_matches_goes_to_classifier(make_router) -> None:
    decision = make_router(RULES, score=0.9).choose(Step("Summarise the notes", kind="summarise"))
    assert decision.tier == "local"
    assert decision.reason == "classifier 0.90 ≥ 0.50 → local"
    assert stage(decision, "rules")[0].verdict == "no match"


def test_hint_forces_tier_and_beats_rules(make_router) -> None:
    router = make_router(RULES, score=0.0)
    decision = router.choose(Step("Plan it", kind="plan", tags=["critical", "local"]))
    assert decision.tier == "local"
    assert decision.reason == "hint #local → local"
    assert stage(decision, "rules")[0].verdict == "ignored"
    assert router.choose(Step("anything", tags=["#mid"])).tier == "mid"


@pytest.mark.parametrize(
    ("when", "step", "matches"),
    [
        ('{ regex = "^Fix" }', Step("Fix the bug"), True),
        ('{ regex = "^Fix" }', Step("fix the bug"), False),
        ('{ files = "src/**/*.py" }', Step("x", files=["src/a/b.py"]), True),
        ('{ files = "src/**/*.py" }', Step("x", files=["src/b.py"]), True),
        ('{ files = "src/**/*.py" }', Step("x", files=["docs/b.py"]), False),
        ('{ files = "*.md" }', Step("x", files=["notes/changes.md"]), True),
        ('{ files = "*.md" }', Step("x"), False),
        ("{ min_chars = 10 }", Step("x" * 10), True),
        ("{ min_chars = 10 }", Step("x" * 9), False),
        ("{ max_chars = 10 }", Step("x" * 11), False),
        ('{ kind = "verify", tag = "Critical" }', Step("x", kind="verify", tags=["critical"]), True),
        ('{ kind = "verify", tag = "critical" }', Step("x", kind="act", tags=["critical"]), False),
        ("{}", Step("x"), True),
    ],
)
def test_rule_conditions(make_router, when: str, step: Step, matches: bool) -> None:
    router = make_router(f'\n[[rules]]\nwhen = {when}\ntier = "premium"\n', score=1.0)
    assert (router.choose(step).tier == "premium") is matches


# -- capability limits ----------------------------------------------------------------------


def test_context_overflow_skips_to_a_larger_tier(make_router) -> None:
    router = make_router(score=1.0)  # the classifier would keep the cheapest capable tier
    decision = router.choose(Step("long", prompt_tokens=3000, max_tokens=100))
    assert decision.tier == "mid"
    skipped = stage(decision, "capability", "local")[0]
    assert skipped.verdict == "skip"
    assert "3000 prompt + 64 output tokens > n_ctx 2048" in skipped.detail
    assert decision.fallbacks == ["premium"]
    assert router.choose(Step("longer", prompt_tokens=10000)).tier == "premium"


def test_context_check_uses_tier_max_tokens_and_estimates_prompt(make_router) -> None:
    router = make_router(score=1.0)
    # local: max_tokens 64, n_ctx 2048 → 1984 prompt tokens fit, 1985 do not.
    assert router.choose(Step("x", prompt_tokens=1984)).tier == "local"
    assert router.choose(Step("x", prompt_tokens=1985)).tier == "mid"
    # Without prompt_tokens the instruction's length is estimated (3.5 chars/token + 24).
    assert router.choose(Step("y" * 7000)).tier == "mid"


def test_too_long_for_every_tier_is_a_clear_error(make_router) -> None:
    with pytest.raises(NoCapableTier, match=r"no tier can take this step \(local: context too small"):
        make_router(score=1.0).choose(Step("x", prompt_tokens=500_000))


def test_forced_tier_that_cannot_take_the_step_moves_up(make_router) -> None:
    decision = make_router(score=1.0).choose(Step("x", prompt_tokens=3000, tags=["local"]))
    assert decision.tier == "mid"
    assert decision.reason.startswith("hint #local → local; local cannot take it (context too small")


def test_unavailable_tier_is_skipped_with_the_gateways_reason(make_router, monkeypatch, live_mid_tiers) -> None:
    monkeypatch.delenv("AGENTRUNNER_TEST_KEY", raising=False)
    router = make_router(tiers=live_mid_tiers, score=0.0, availability=None)
    gateway = Gateway(router.config, router.ledger)
    router.availability = gateway.availability
    decision = router.choose(Step("Prove the theorem", kind="plan"))
    reason = gateway.availability("premium").reason
    assert reason  # the gateway knows why (no API key)
    assert decision.tier == "mid"  # the premium tier the score asks for is unavailable
    skipped = stage(decision, "capability", "premium")[0]
    assert (skipped.verdict, skipped.detail) == ("skip", f"unavailable: {reason}")
    assert "premium" not in decision.fallbacks


def test_needs_tools_and_json_respect_tier_support(make_router) -> None:
    router = make_router(score=0.0)  # would go to premium…
    no_json = "\n".join(line.replace("json_output = true", "json_output = false") for line in THREE_TIERS.splitlines())
    router_no_json = make_router(tiers=no_json, score=0.0)
    # mid has tools = false: a tools step with a middling score skips it.
    decision = make_router(score=0.3).choose(Step("x", needs_tools=True))
    assert decision.tier == "premium"
    assert stage(decision, "capability", "mid")[0].detail == "needs tools; tier has tools = false"
    assert router.choose(Step("x", needs_json=True)).tier == "premium"
    decision = router_no_json.choose(Step("x", needs_json=True))
    assert decision.tier == "mid"
    assert stage(decision, "capability", "premium")[0].detail == "needs JSON output; tier has json_output = false"


def test_excluded_tiers_are_skipped(make_router) -> None:
    decision = make_router(score=1.0).choose(Step("x"), RouteContext(exclude=frozenset({"local"})))
    assert decision.tier == "mid"
    assert stage(decision, "capability", "local")[0].detail == "already failed at this step"


def test_step_for_request() -> None:
    request = ChatRequest(
        messages=[Message(role="system", content="be brief"), Message(role="user", content="Summarise it")],
        tools=[ToolSpec(name="read_file")],
        json_schema={"type": "object"},
        max_tokens=32,
    )
    step = Step.for_request(request, kind="summarise", tags=["x"])
    assert step.instruction == "Summarise it"
    assert step.prompt_tokens == request.estimated_prompt_tokens()
    assert (step.max_tokens, step.needs_json, step.needs_tools, step.kind) == (32, True, True, "summarise")


# -- the classifier -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "tier"),
    [(1.0, "local"), (0.5, "local"), (0.49, "mid"), (0.25, "mid"), (0.24, "premium"), (0.0, "premium")],
)
def test_score_bands_walk_up_three_tiers(make_router, score: float, tier: str) -> None:
    decision = make_router(score=score).choose(Step("x"))
    assert decision.tier == tier
    assert decision.score == score


def test_classifier_band_edges() -> None:
    assert classifier_band(0.1, 0.5, 2) == 1
    assert classifier_band(0.5, 0.5, 2) == 0
    assert classifier_band(0.0, 0.0, 3) == 0  # threshold 0: always the cheapest
    assert classifier_band(0.99, 1.0, 3) == 1  # threshold 1: never the cheapest
    assert [classifier_band(s / 100, 0.8, 5) for s in (79, 61, 59, 41, 39, 21, 19, 0)] == [1, 1, 2, 2, 3, 3, 4, 4]


def test_threshold_comes_from_config(make_router) -> None:
    assert make_router("\n[router]\nthreshold = 0.9\n", score=0.85).choose(Step("x")).tier != "local"
    assert make_router("\n[router]\nthreshold = 0.8\n", score=0.85).choose(Step("x")).tier == "local"


def test_heuristic_formula_is_the_documented_logistic() -> None:
    classifier = HeuristicClassifier()
    explained = classifier.breakdown(Step("Summarise CHANGELOG.md into five bullets", kind="summarise"))
    z = sum(explained.contributions.values())
    assert explained.probability == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-3)
    assert explained.contributions["bias"] == 1.0
    assert explained.contributions["kind=summarise"] == 0.8
    assert explained.contributions["simple words"] == 0.6


def test_heuristic_orders_easy_below_hard() -> None:
    score = HeuristicClassifier().score
    easy = score(Step("Summarise CHANGELOG.md into five bullets", kind="summarise"))
    code = score(Step("Refactor the retry function and fix the concurrency bug in the Python client"))
    reasoning = score(Step("Design the architecture and explain the trade-offs", kind="plan"))
    assert easy > 0.8
    assert code < 0.5 and reasoning < 0.5
    assert score(Step("Rename a file", tags=["critical"])) < score(Step("Rename a file"))
    assert score(Step("Rename a file", tags=["trivial"])) > score(Step("Rename a file"))
    assert score(Step("x" * 4000)) < score(Step("x" * 40))
    assert score(Step("x", needs_json=True, needs_tools=True)) < score(Step("x"))
    assert "plan" not in {w.lower() for w in classifier_words("an airplane")}


def classifier_words(text: str) -> list[str]:
    from agentrunner.router.heuristic import _REASONING

    return [m.group(0) for m in _REASONING.finditer(text)]


def test_heuristic_is_default_and_drives_choose(make_router) -> None:
    router = make_router()
    assert router.choose(Step("Summarise the notes into three bullets", kind="summarise")).tier == "local"
    hard = router.choose(Step("Design and prove a lock-free concurrency algorithm for the scheduler", kind="plan"))
    assert hard.tier != "local"
    assert stage(hard, "classifier")[0].detail.startswith("heuristic ")


def test_learned_classifier_without_a_model_says_to_train(make_router) -> None:
    with pytest.raises(ConfigError, match=r"routes.toml:\d+: router\.classifier: .*run `agentrunner router train`"):
        make_router('\n[router]\nclassifier = "learned"\n')


def test_classifier_is_skipped_with_one_capable_tier(make_router) -> None:
    decision = make_router(score=0.0).choose(Step("x", prompt_tokens=50_000))
    assert (decision.tier, decision.score, decision.reason) == ("premium", None, "only capable tier → premium")


# -- budgets --------------------------------------------------------------------------------


def spend_today(config: Config, cost: float) -> None:
    Ledger.for_config(config).record_call(CallRecord(cost_usd=cost, tier="premium"))


def test_choose_reserves_worst_case_and_release_drops_it(make_router) -> None:
    router = make_router("\n[budgets]\ndaily_usd = 1.0\n", score=0.0)
    decision = router.choose(Step("x", prompt_tokens=1000, max_tokens=100))
    # premium: 1000 × $3/M + 100 × $15/M
    assert decision.worst_case_usd == pytest.approx(0.0045)
    assert decision.reservation_id is not None
    assert budget_status(router.config, router.ledger)[0].reserved_usd == pytest.approx(0.0045)
    router.release(decision)
    assert decision.reservation_id is None
    assert budget_status(router.config, router.ledger)[0].reserved_usd == 0


def test_downgrade_when_budget_cannot_cover_the_chosen_tier(make_router) -> None:
    router = make_router('\n[budgets]\ndaily_usd = 1.0\non_exhausted = "downgrade"\n', score=0.0)
    spend_today(router.config, 0.998)
    decision = router.choose(Step("x", prompt_tokens=1000, max_tokens=100))
    assert decision.tier == "local"
    assert decision.reason == "classifier 0.00 < 0.50 → premium; daily cap cannot cover premium → downgrade to local"
    assert [s.verdict for s in stage(decision, "budget")] == ["downgrade", "fits"]
    assert decision.fallbacks == ["mid", "premium"]


def test_downgrade_raises_when_even_the_cheapest_tier_does_not_fit(make_router) -> None:
    router = make_router("\n[budgets]\ndaily_usd = 1.0\n", score=0.0)
    spend_today(router.config, 1.0)
    with pytest.raises(BudgetExhausted, match=r"daily cap \$1\.00: spent \$1\.00 \+ reserved \$0\.0000, tier 'local'"):
        router.choose(Step("x"))


def test_stop_raises_naming_cap_spent_and_cap(make_router) -> None:
    router = make_router('\n[budgets]\nper_run_usd = 0.01\non_exhausted = "stop"\n', score=0.0, run_id="run-1")
    Ledger.for_config(router.config).record_call(CallRecord(cost_usd=0.008, run_id="run-1"))
    with pytest.raises(BudgetExhausted) as caught:
        router.choose(Step("x", prompt_tokens=1000, max_tokens=100))
    assert str(caught.value) == (
        "budget exhausted: per_run cap $0.0100: spent $0.0080 + reserved $0.0000, "
        "tier 'premium' needs worst case $0.0045"
    )
    assert caught.value.exit_code == 3
    # A different run has its own per-run cap.
    assert router.choose(Step("x", prompt_tokens=1000, max_tokens=100), RouteContext(run_id="run-2")).tier == "premium"


def test_unpriced_tier_does_not_fit_a_cap(make_router) -> None:
    tiers = THREE_TIERS.replace('price = { input_per_mtok = 3.0, output_per_mtok = 15.0 }\n', "").replace(
        'model = "claude-sonnet-4-5"', 'model = "no-such-model-anywhere"'
    )
    router = make_router("\n[budgets]\ndaily_usd = 100.0\n", tiers=tiers, score=0.0)
    decision = router.choose(Step("x"))
    assert decision.tier == "local"
    assert "daily cap cannot cover premium" in decision.reason
    assert "unknown worst-case cost (unpriced model" in stage(decision, "budget")[0].detail
    # No cap: an unpriced tier is usable.
    assert make_router(tiers=tiers, score=0.0).choose(Step("x")).worst_case_usd is None


def test_item_cost_cap_downgrades_then_fails_only_the_item(make_router) -> None:
    router = make_router('\n[budgets]\non_exhausted = "stop"\n', score=0.0)
    step = Step("x", prompt_tokens=1000, max_tokens=100, cost_cap_usd=0.004)
    decision = router.choose(step)
    assert decision.tier == "local"  # item caps downgrade even with on_exhausted = "stop"
    assert "item cap cannot cover premium → downgrade to local" in decision.reason
    expected = r"item cap \$0\.0040: spent \$0\.0040 \+ reserved \$0\.0000, tier 'local' needs worst case \$0\.0001"
    with pytest.raises(ItemCapExceeded, match=expected):
        router.choose(step, RouteContext(item_spent_usd=0.004))


# -- escalation -----------------------------------------------------------------------------


def test_escalation_walks_up_and_respects_max_escalations(make_router) -> None:
    router = make_router("\n[router]\nmax_escalations = 2\n\n[budgets]\ndaily_usd = 1.0\n", score=1.0)
    step = Step("x")
    first = router.choose(step)
    assert (first.tier, first.fallbacks) == ("local", ["mid", "premium"])
    router.release(first)
    second = router.escalate(step, first)
    assert second is not None
    assert (second.tier, second.escalation, second.reason) == ("mid", 1, "escalation 1/2: local failed → mid")
    assert second.reservation_id is not None
    router.release(second)
    third = router.escalate(step, second)
    assert third is not None and (third.tier, third.escalation) == ("premium", 2)
    router.release(third)
    assert router.escalate(step, third) is None


def test_escalation_stops_at_max_escalations(make_router) -> None:
    router = make_router("\n[router]\nmax_escalations = 1\n", score=1.0)
    first = router.choose(Step("x"))
    second = router.escalate(Step("x"), first)
    assert second is not None and second.tier == "mid"
    assert router.escalate(Step("x"), second) is None


def test_escalation_off(make_router) -> None:
    router = make_router("\n[router]\nescalate_on_fail = false\n", score=1.0)
    assert router.escalate(Step("x"), router.choose(Step("x"))) is None


def test_escalation_skips_excluded_and_incapable_tiers(make_router) -> None:
    router = make_router("\n[router]\nmax_escalations = 3\n", score=1.0)
    first = router.choose(Step("x", needs_tools=True))
    assert first.fallbacks == ["premium"]  # mid has no tools
    assert router.escalate(Step("x", needs_tools=True), first, RouteContext(exclude=frozenset({"premium"}))) is None


def test_escalation_respects_budget(make_router) -> None:
    downgrade = make_router("\n[budgets]\ndaily_usd = 0.001\n", score=1.0)
    first = downgrade.choose(Step("x", prompt_tokens=1000, max_tokens=100))
    assert first.tier == "local"
    assert downgrade.escalate(Step("x", prompt_tokens=1000, max_tokens=100), first) is None
    stop = make_router('\n[budgets]\ndaily_usd = 0.001\non_exhausted = "stop"\n', score=1.0)
    first = stop.choose(Step("x", prompt_tokens=1000, max_tokens=100))
    with pytest.raises(BudgetExhausted, match="daily cap"):
        stop.escalate(Step("x", prompt_tokens=1000, max_tokens=100), first)


# -- agentrunner route -------------------------------------------------------------------------


def test_route_command_explains_each_stage(cli, write_config, live_mid_tiers, monkeypatch) -> None:
    monkeypatch.delenv("AGENTRUNNER_TEST_KEY", raising=False)
    write_config(live_mid_tiers + RULES)
    result = cli("route", "Plan the rollout", "--kind", "plan")
    assert result.exit_code == 0, result.output
    for expected in (
        "rules",
        "matched",
        "rule 2 (kind=plan)",
        "unavailable: AGENTRUNNER_TEST_KEY",  # premium has no key: skipped, with the reason
        "tier:       mid",
        "worst case: $0.000",
        "reason:     rule 2 (kind=plan) → mid",
        "escalation: none",  # the only tier above mid is unavailable
    ):
        assert expected in result.output


def test_route_command_json_and_no_reservation_kept(cli, write_config) -> None:
    path = write_config(THREE_TIERS + "\n[budgets]\ndaily_usd = 1.0\n")
    result = cli("route", "Summarise the notes", "--kind", "summarise", "--tags", "x,#local", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tier"] == "local"
    assert data["reason"] == "hint #local → local"
    assert [s["stage"] for s in data["stages"]][:2] == ["hint", "rules"]
    assert "reservation_id" not in data
    ledger = Ledger.for_config(load_config(path))
    assert ledger.db["reservations"].count == 0


def test_route_command_budget_stop_exits_3(cli, write_config) -> None:
    path = write_config(THREE_TIERS + '\n[budgets]\ndaily_usd = 0.5\non_exhausted = "stop"\n')
    spend_today(load_config(path), 0.5)
    result = cli("route", "Summarise the notes")
    assert result.exit_code == 3
    assert result.output.strip().startswith("error: budget exhausted: daily cap $0.50")


def test_route_command_bad_input(cli, write_config) -> None:
    write_config(THREE_TIERS)
    assert cli("route", "  ").exit_code == 2
    result = cli("route", "x", "--kind", "dance")
    assert result.exit_code == 2


# -- the learned classifier through the router ------------------------------------------------


def tiny_outcomes() -> list:
    """A made-up outcome dataset where the cheap model handles summaries and fails proofs."""
    from agentrunner.router.outcomes import ModelOutcome, OutcomeRow

    rows = []
    for index in range(20):
        rows.append(
            OutcomeRow(
                id=f"easy/{index}",
                prompt=f"Summarise note {index} in one line",
                outcomes={"cheap": ModelOutcome(1.0), "strong": ModelOutcome(1.0)},
            )
        )
        rows.append(
            OutcomeRow(
                id=f"hard/{index}",
                prompt=f"Prove lemma {index} about prime gaps rigorously",
                outcomes={"cheap": ModelOutcome(0.0), "strong": ModelOutcome(1.0)},
            )
        )
    return rows


def test_learned_classifier_is_loaded_from_the_data_dir_and_used(make_router) -> None:
    from agentrunner.router.learned import LearnedClassifier

    model = LearnedClassifier().fit(tiny_outcomes(), weak="cheap", strong="strong")
    model.save(Path(os.environ["AGENTRUNNER_DIR"]) / "router")
    router = make_router('\n[router]\nclassifier = "learned"\n')
    easy = router.choose(Step("Summarise note 99 in one line"))
    hard = router.choose(Step("Prove lemma 99 about prime gaps rigorously"))
    assert easy.score == pytest.approx(model.predict("Summarise note 99 in one line"))
    assert easy.score > 0.5 > hard.score  # type: ignore[operator]
    assert (easy.tier, hard.tier) == ("local", "premium")
    assert stage(hard, "classifier")[0].detail.startswith("learned ")
    assert router.classifier is router.classifier  # loaded once per router


def test_broken_learned_model_is_a_config_error_in_the_cli(cli, write_config, isolated_home) -> None:
    write_config(THREE_TIERS + '\n[router]\nclassifier = "learned"\n')
    model_dir = isolated_home / ".agentrunner" / "router"
    model_dir.mkdir(parents=True)
    (model_dir / "model.json").write_text("{not json", "utf-8")
    result = cli("route", "anything")
    assert result.exit_code == 2
    assert "router.classifier: cannot use the trained classifier" in result.output
    assert "agentrunner router train" in result.output


def test_route_command_no_capable_tier_is_one_line_exit_1(cli, write_config, monkeypatch) -> None:
    monkeypatch.delenv("AGENTRUNNER_TEST_KEY", raising=False)
    write_config(THREE_TIERS)
    result = cli("route", "x", "--prompt-tokens", "300000", "--files", "a.py,b.py")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: no tier can take this step (local: context too small")
    assert "premium: " in lines[0]


@given(
    scores=st.lists(st.floats(min_value=0, max_value=1), min_size=2, max_size=2),
    threshold=st.floats(min_value=0, max_value=1),
    capable=st.integers(min_value=1, max_value=6),
)
def test_classifier_band_is_monotonic_and_in_range(scores: list[float], threshold: float, capable: int) -> None:
    low, high = sorted(scores)
    band_low, band_high = classifier_band(low, threshold, capable), classifier_band(high, threshold, capable)
    assert 0 <= band_high <= band_low <= capable - 1  # a higher score never picks a dearer tier
    assert (band_high == 0) == (high >= threshold or capable == 1 or threshold == 0)


def test_router_under_eight_threads_never_reserves_past_the_cap(make_router) -> None:
    """8 threads route premium-worthy steps through one Router against a daily cap, each holding
    its reservation until all have decided: premium is granted only while the cap covers it, the
    rest are downgraded, and the reservations never add up past the cap."""
    router = make_router("\n[budgets]\ndaily_usd = 0.02\n", score=0.0)
    step = Step("x", prompt_tokens=1000, max_tokens=100)  # premium worst case $0.0045
    decisions = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        for _ in range(2):
            decision = router.choose(step)
            with lock:
                decisions.append(decision)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    tiers = [d.tier for d in decisions]
    reserved = sum(d.worst_case_usd or 0 for d in decisions)
    assert len(decisions) == 16
    assert tiers.count("premium") == 4  # floor(0.02 / 0.0045); the other 12 fit locally
    assert reserved <= 0.02
    assert budget_status(router.config, router.ledger)[0].reserved_usd == pytest.approx(reserved)
    for decision in decisions:
        router.release(decision)
    assert router.ledger.db["reservations"].count == 0
