"""The replay engine over real HTTP (a scripted OpenAI-compatible peer on loopback) and the real
embedded model: routing, ledger conventions, the response cache, escalation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agentrunner.chat import ChatRequest, Message
from agentrunner.config import Config, parse_config
from agentrunner.gateway import CallContext, Gateway
from agentrunner.ledger import Ledger
from agentrunner.replay.compare import compare_ledger
from agentrunner.replay.engine import Candidate, ReplayEngine, effective_request, request_from_row
from agentrunner.replay.scorers import ScorerSet
from agentrunner.replay.select import Selection
from tests.support.replay_stubs import StubOpenAI, call_cost, stub_tier

SMALL = (1.0, 2.0)  # $/Mtok in, out
BIG = (10.0, 30.0)


@pytest.fixture
def stub() -> Iterator[StubOpenAI]:
    with StubOpenAI() as server:
        yield server


def config_of(stub: StubOpenAI, *tiers: str, extra: str = "") -> Config:
    prices = {"small": SMALL, "big": BIG}
    text = "".join(
        stub_tier(name, stub.base_url, f"stub-{name}", input_per_mtok=prices[name][0], output_per_mtok=prices[name][1])
        for name in tiers
    )
    return parse_config(text + extra)


@pytest.fixture
def history(tmp_path: Path, stub: StubOpenAI) -> Ledger:
    """Two real calls on the big tier: the history to replay."""
    ledger = Ledger(tmp_path / "ledger.db")
    gateway = Gateway(config_of(stub, "big"), ledger)
    for number, text in enumerate(["Summarise the notes", "List three colours"]):
        request = ChatRequest(messages=[Message(role="user", content=text)], max_tokens=32)
        gateway.call("big", request, CallContext(step_kind="act", task_id=f"t{number}", run_id="run-1"))
    gateway.close()
    assert stub.calls["stub-big"] == 2
    return ledger


def run_compare(ledger: Ledger, candidate: Candidate, *, use_cache: bool = True):  # type: ignore[no-untyped-def]
    engine = ReplayEngine(ledger, [candidate], ScorerSet({}, "exact"), use_cache=use_cache)
    try:
        return compare_ledger(engine, Selection(), floor=0.95)
    finally:
        engine.close()


def test_request_is_rebuilt_exactly(history: Ledger) -> None:
    row = next(history.iter_calls())
    request = request_from_row(row)
    assert request.messages[0].content == "Summarise the notes"
    assert request.request_hash() == row["request_hash"]


def test_effective_request_fills_unset_params_from_the_tier(stub: StubOpenAI) -> None:
    config = config_of(stub, "small")
    bare = ChatRequest(messages=[Message(role="user", content="hi")])
    filled = effective_request(bare, config, "small")
    assert (filled.max_tokens, filled.temperature) == (64, 0.0)
    explicit = ChatRequest(messages=[Message(role="user", content="hi")], max_tokens=5, temperature=0.7)
    assert effective_request(explicit, config, "small") is explicit


def test_replays_are_recorded_apart_and_the_second_run_pays_nothing(history: Ledger, stub: StubOpenAI) -> None:
    candidate = Candidate("small-only", config_of(stub, "small"))
    first = run_compare(history, candidate)
    assert stub.calls["stub-small"] == 2
    replays = list(history.iter_calls("replay_of IS NOT NULL"))
    assert len(replays) == 2
    assert {r["config_name"] for r in replays} == {"small-only"}
    assert {r["step_kind"] for r in replays} == {"replay"}
    originals = {r["id"] for r in history.iter_calls("replay_of IS NULL")}
    assert {r["replay_of"] for r in replays} == originals
    row = first.rows[1]
    assert row["paid_usd"] == pytest.approx(2 * call_cost(*SMALL))
    rows_before = history.count_calls()
    scores_before = history.db["scores"].count

    second = run_compare(history, candidate)
    assert stub.calls["stub-small"] == 2  # no second provider call
    assert history.count_calls() == rows_before  # no new ledger row
    assert history.db["scores"].count == scores_before  # scores reused, not duplicated
    again = second.rows[1]
    assert again["paid_usd"] == 0.0  # no second cost
    assert again["cached"] == 2
    # The configuration's cost is still the cost of its answers: the table does not change.
    for key in ("cost_usd", "quality", "by_tier", "cost_vs_baseline_pct"):
        assert again[key] == row[key]
    assert second.cache_hits == 2 and second.cache_misses == 0


def test_no_cache_calls_again(history: Ledger, stub: StubOpenAI) -> None:
    candidate = Candidate("small-only", config_of(stub, "small"))
    run_compare(history, candidate)
    report = run_compare(history, candidate, use_cache=False)
    assert stub.calls["stub-small"] == 4
    assert report.rows[1]["paid_usd"] == pytest.approx(2 * call_cost(*SMALL))


def test_same_model_as_the_original_reuses_the_original_answer(history: Ledger, stub: StubOpenAI) -> None:
    report = run_compare(history, Candidate("big-only", config_of(stub, "big")))
    assert stub.calls["stub-big"] == 2  # only the two original calls, ever
    row = report.rows[1]
    assert row["quality"] == 1.0 and row["paid_usd"] == 0.0
    assert row["cost_usd"] == pytest.approx(report.rows[0]["cost_usd"])


def test_routing_uses_the_candidate_router(history: Ledger, stub: StubOpenAI) -> None:
    # A rule sends "colours" to big (the original's model: reused), the rest stays small.
    rules = '\n[router]\nthreshold = 0.0\n\n[[rules]]\nwhen = { regex = "colours" }\ntier = "big"\n'
    report = run_compare(history, Candidate("mixed", config_of(stub, "small", "big", extra=rules)))
    assert report.rows[1]["by_tier"] == {"big": 1, "small": 1}
    assert stub.calls["stub-small"] == 1 and stub.calls["stub-big"] == 2
    reasons = [r["route_reason"] for r in history.iter_calls("replay_of IS NOT NULL")]
    assert len(reasons) == 1 and "classifier" in reasons[0]


def test_unreachable_tier_is_skipped_by_routing(history: Ledger, stub: StubOpenAI) -> None:
    # The small tier points at a closed port: availability says no and the router takes big.
    broken = stub_tier("small", "http://127.0.0.1:9/v1", "stub-small", input_per_mtok=1, output_per_mtok=2)
    config = parse_config(
        broken.replace("max_retries = 0", "max_retries = 0\nconnect_timeout = 0.5")
        + stub_tier("big", stub.base_url, "stub-big", input_per_mtok=10, output_per_mtok=30)
        + "\n[router]\nthreshold = 0.0\n"
    )
    report = run_compare(history, Candidate("fallback", config))
    assert report.rows[1]["by_tier"] == {"big": 2}
    assert report.rows[1]["errors"] == 0


def test_a_failed_call_escalates_like_a_run(tmp_path: Path) -> None:
    def refuse_small(model: str, messages: list[dict[str, object]]) -> str | None:
        return None if model == "stub-small" else "fine"

    with StubOpenAI(refuse_small) as peer:
        ledger = Ledger(tmp_path / "esc.db")
        big = config_of(peer, "big")
        gateway = Gateway(big, ledger)
        request = ChatRequest(messages=[Message(role="user", content="hello")], max_tokens=16)
        gateway.call("big", request, CallContext(step_kind="act"))
        gateway.close()
        config = config_of(peer, "small", "big", extra="\n[router]\nthreshold = 0.0\n")
        report = run_compare(ledger, Candidate("escalating", config))
        assert peer.calls["stub-small"] == 1  # refused (HTTP 400, not retried)
        assert report.rows[1]["by_tier"] == {"big": 1} and report.rows[1]["quality"] == 1.0
        errors = list(ledger.iter_calls("status = 'error'"))
        assert len(errors) == 1 and errors[0]["replay_of"] is not None and errors[0]["tier"] == "small"
        ledger.close()


def test_a_configuration_that_cannot_answer_scores_zero(history: Ledger, stub: StubOpenAI) -> None:
    tiny = parse_config(
        stub_tier("small", stub.base_url, "stub-small", input_per_mtok=1, output_per_mtok=2).replace(
            "max_tokens = 64", "max_tokens = 8\nn_ctx = 16"
        )
    )
    report = run_compare(history, Candidate("too-small", tiny))
    row = report.rows[1]
    assert row["errors"] == 2 and row["quality"] == 0.0 and row["by_tier"] == {}
    assert stub.calls["stub-small"] == 0


@pytest.mark.model
def test_replay_on_the_embedded_model_is_cached(history: Ledger, stub: StubOpenAI) -> None:
    local = parse_config(
        '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\nn_ctx = 1024\nmax_tokens = 8\n'
        "cost_per_hour = 0.05\n"
    )
    candidate = Candidate("local-only", local)
    first = run_compare(history, candidate)
    local_rows = history.count_calls("tier = 'local' AND replay_of IS NOT NULL AND status = 'ok'")
    assert local_rows == 2
    assert first.rows[1]["paid_usd"] > 0  # wall time × cost_per_hour
    second = run_compare(history, candidate)
    assert history.count_calls("tier = 'local'") == local_rows  # nothing called again
    assert second.rows[1]["paid_usd"] == 0.0
    assert second.rows[1]["cost_usd"] == first.rows[1]["cost_usd"]
