"""``compare``: the table's numbers against a hand computation on a tiny ledger, the outcome export,
the HTML view, the CLI's outputs and errors, and offline evaluation on an outcome dataset."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from agentrunner.chat import ChatRequest, Message
from agentrunner.config import load_config
from agentrunner.ledger import CallRecord, Ledger
from agentrunner.router.outcomes import load_outcomes
from tests.support.replay_stubs import StubOpenAI, call_cost, echo_last_user, stub_tier

SMALL = (1.0, 2.0)


def request_json(text: str, model: str = "stub-big") -> str:
    request = ChatRequest(messages=[Message(role="user", content=text)], max_tokens=32)
    return json.dumps({"model": model, **request.canonical()}, sort_keys=True)


def answer(model: str, messages: list[dict[str, object]]) -> str:
    """The scripted peer: models answer "<model>: <last user message>"; the judge always says B."""
    return "B" if model == "stub-judge" else echo_last_user(model, messages)


@pytest.fixture
def stub() -> Iterator[StubOpenAI]:
    with StubOpenAI(answer) as server:
        yield server


@pytest.fixture
def tiny(stub: StubOpenAI, write_config: Callable[[str], Path], isolated_home: Path) -> Path:
    """routes.toml (big), small.toml (small only), three recorded calls and a state.db with items."""
    write_config(
        stub_tier("big", stub.base_url, "stub-big", input_per_mtok=10, output_per_mtok=30)
        + stub_tier("judge", stub.base_url, "stub-judge", input_per_mtok=3, output_per_mtok=15)
    )
    small = isolated_home / "small.toml"
    small.write_text(stub_tier("small", stub.base_url, "stub-small", input_per_mtok=SMALL[0], output_per_mtok=SMALL[1]))
    config = load_config(isolated_home / "routes.toml")
    ledger = Ledger.for_config(config)
    calls = [
        # id, prompt, recorded answer, task, cost, latency. The small model will answer
        # "stub-small: <prompt>", which equals the recorded answer for c1 and c2 only.
        ("c1", "alpha", "stub-small: alpha", "t1", 0.01, 100.0),
        ("c2", "beta", "stub-small: beta", "t1", 0.02, 300.0),
        ("c3", "gamma <b>&", "something else", "t2", 0.03, 200.0),
    ]
    for number, (call_id, prompt, answer, task, cost, latency) in enumerate(calls):
        ledger.record_call(
            CallRecord(
                id=call_id,
                ts_start=f"2026-11-26T10:00:0{number}.000000Z",
                ts_end=f"2026-11-26T10:00:0{number}.500000Z",
                tier="big",
                provider="openai",
                model="stub-big",
                request_json=request_json(prompt),
                request_hash=ChatRequest(messages=[Message(role="user", content=prompt)], max_tokens=32).request_hash(),
                response_text=answer,
                finish_reason="stop",
                input_tokens=100,
                output_tokens=10,
                cost_usd=cost,
                latency_ms=latency,
                step_kind="act",
                task_id=task,
                task_type="summarise",
            )
        )
    ledger.close()
    state = sqlite3.connect(config.state_path)
    state.execute("CREATE TABLE items (id TEXT PRIMARY KEY, status TEXT, tags TEXT)")
    state.executemany("INSERT INTO items VALUES (?, ?, ?)", [("t1", "done", "[]"), ("t2", "done", "[]")])
    state.commit()
    state.close()
    return small


def compare_json(cli: Callable[..., Result], *args: str) -> dict:  # type: ignore[type-arg]
    result = cli("compare", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_table_numbers_equal_a_hand_computation(cli: Callable[..., Result], tiny: Path) -> None:
    data = compare_json(cli, str(tiny), "--scorer", "exact", "--quality-floor", "0.95")
    baseline, small = data["rows"]
    small_call = call_cost(*SMALL)  # (100 × $1 + 10 × $2) / 1M = $0.00012

    assert baseline["config"] == "baseline (ledger)"
    assert baseline["calls"] == 3 and baseline["by_tier"] == {"big": 3}
    assert baseline["cost_usd"] == pytest.approx(0.06)
    assert baseline["quality"] == 1.0 and baseline["at_floor"] == 1.0
    assert baseline["p50_latency_ms"] == 200.0  # median of 100, 300, 200
    assert baseline["done"] == 2 and baseline["done_unit"] == "items"  # t1 and t2 are done
    assert baseline["done_per_usd"] == pytest.approx(2 / 0.06, rel=1e-4)

    assert small["config"] == "small"
    assert small["calls"] == 3 and small["by_tier"] == {"small": 3} and small["errors"] == 0
    assert small["cost_usd"] == pytest.approx(3 * small_call)
    assert small["cost_vs_baseline_pct"] == pytest.approx((3 * small_call - 0.06) / 0.06 * 100, abs=0.01)
    assert small["quality"] == pytest.approx(2 / 3, abs=1e-4)  # c1 and c2 exact, c3 not
    assert small["at_floor"] == pytest.approx(2 / 3, abs=1e-4)
    # Only t1 is still done under the candidate (c3, t2's only call, missed the floor).
    assert small["done"] == 1
    assert small["done_per_usd"] == pytest.approx(1 / (3 * small_call), rel=1e-3)
    assert small["p50_latency_ms"] is not None
    assert data["cache"] == {"hits": 0, "misses": 3}


def test_plain_table_and_csv(cli: Callable[..., Result], tiny: Path) -> None:
    result = cli("compare", str(tiny), "--scorer", "exact")
    assert result.exit_code == 0, result.output
    assert "baseline (ledger)" in result.output and "small 3" in result.output
    assert "-99.4%" in result.output  # 0.00036 vs 0.06
    assert "cache: 0 hit(s), 3 call(s) made" in result.output
    again = cli("compare", str(tiny), "--scorer", "exact")
    assert "cache: 3 hit(s), 0 call(s) made · paid now $0.000000" in again.output
    csv_result = cli("compare", str(tiny), "--scorer", "exact", "--csv")
    lines = csv_result.output.strip().splitlines()
    assert lines[0].startswith("config,calls,by_tier") and len(lines) == 3


def test_outcomes_out_is_a_valid_outcome_dataset(cli: Callable[..., Result], tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "outcomes.jsonl"
    compare_json(cli, str(tiny), "--scorer", "exact", "--outcomes-out", str(out))
    rows = load_outcomes(out)  # the router's own reader accepts it
    assert [row.id for row in rows] == ["c1", "c2", "c3"]
    first = rows[0]
    assert first.prompt == "alpha" and first.category == "summarise"
    assert first.outcomes["stub-big"].score == 1.0  # the baseline is the reference
    small = first.outcomes["stub-small"]
    assert small.score == 1.0 and small.response == "stub-small: alpha"
    assert (small.input_tokens, small.output_tokens) == (100, 10)
    assert small.cost_usd == pytest.approx(call_cost(*SMALL))
    assert rows[2].outcomes["stub-small"].score == 0.0


def test_html_shows_answers_side_by_side_escaped(cli: Callable[..., Result], tiny: Path, tmp_path: Path) -> None:
    page = tmp_path / "compare.html"
    result = cli("compare", str(tiny), "--scorer", "exact", "--html", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert html.startswith("<!doctype html>") and "<script" not in html
    assert "gamma &lt;b&gt;&amp;" in html and "gamma <b>&" not in html
    assert "something else" in html and "stub-small: gamma &lt;b&gt;&amp;" in html
    assert html.count("class='call'") == 3


def test_judge_scorer_through_compare(cli: Callable[..., Result], tiny: Path, stub: StubOpenAI) -> None:
    data = compare_json(cli, str(tiny), "--scorer", "judge:judge", "--rubric", "Prefer the correct answer.")
    small = data["rows"][1]
    # c1 and c2 are identical to the recorded answers (1.0 without asking); c3 is judged twice,
    # and this judge always says "B": once for the new answer, once against it → 0.5.
    assert small["quality"] == pytest.approx((1 + 1 + 0.5) / 3, abs=1e-4)
    assert stub.calls["stub-judge"] == 2
    assert "Prefer the correct answer." in stub.requests[-1]["messages"][0]["content"]
    ledger = Ledger.for_config(load_config(tiny.parent / "routes.toml"))
    judged = list(ledger.iter_calls("step_kind = 'judge'"))
    assert len(judged) == 2
    assert {(r["replay_of"], r["config_name"], r["tier"]) for r in judged} == {("c3", "small", "judge")}
    assert all(r["cost_usd"] > 0 for r in judged)
    details = json.loads(ledger.db.execute("SELECT details FROM scores WHERE baseline_call_id = 'c3'").fetchone()[0])
    assert details["verdicts"] == ["B", "B"] and details["consistent"] is False
    ledger.close()
    compare_json(cli, str(tiny), "--scorer", "judge:judge", "--rubric", "Prefer the correct answer.")
    assert stub.calls["stub-judge"] == 2  # the stored score is reused: the judge is not paid twice
    compare_json(cli, str(tiny), "--scorer", "judge:judge")  # another rubric: judged anew
    assert stub.calls["stub-judge"] == 4
    missing = cli("compare", str(tiny), "--scorer", "judge:nope")
    assert missing.exit_code == 2 and "judge tier 'nope' is not configured" in missing.output


def test_filters_reach_the_selection(cli: Callable[..., Result], tiny: Path) -> None:
    data = compare_json(cli, str(tiny), "--scorer", "exact", "--task", "t2")
    assert data["rows"][0]["calls"] == 1 and data["selection"] == "--task t2"


def test_user_mistakes_are_one_line_errors(cli: Callable[..., Result], tiny: Path) -> None:
    missing = cli("compare", "nope.toml")
    assert missing.exit_code == 2 and "nope.toml: no such configuration file" in missing.output
    nothing = cli("compare", str(tiny), "--run", "no-such-run")
    assert nothing.exit_code == 2 and "no replayable calls match (--run no-such-run)" in nothing.output
    bad_scorer = cli("compare", str(tiny), "--scorer", "bleu")
    assert bad_scorer.exit_code == 2 and "unknown scorer 'bleu'" in bad_scorer.output
    floor = cli("compare", str(tiny), "--quality-floor", "2")
    assert floor.exit_code == 2 and "--quality-floor" in floor.output
    for result in (missing, nothing, bad_scorer, floor):
        assert "Traceback" not in result.output


# -- offline evaluation on an outcome dataset ---------------------------------------------------

DATASET_ROWS = [
    # (id, prompt, weak score, strong score): the weak model misses p3 (hard) and p4 (looks easy).
    ("p1", "easy one", 1.0, 1.0),
    ("p2", "easy two", 1.0, 1.0),
    ("p3", "hard three", 0.0, 1.0),
    ("p4", "easy four", 0.0, 1.0),
]

DATASET_CONFIG = """
[tiers.cheap]
provider = "openai"
model = "cheap-model"
price = { input_per_mtok = 1.0, output_per_mtok = 2.0 }

[tiers.premium]
provider = "openai"
model = "premium-model"
price = { input_per_mtok = 10.0, output_per_mtok = 20.0 }

[router]
threshold = 0.0    # the classifier never escalates: only the rule sends prompts up

[[rules]]
when = { regex = "hard" }
tier = "premium"
"""


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "outcomes.jsonl"
    with path.open("w") as handle:
        for row_id, prompt, weak, strong in DATASET_ROWS:
            outcomes = {
                "weak-m": {"score": weak, "input_tokens": 1000, "output_tokens": 100},
                "strong-m": {"score": strong, "input_tokens": 1000, "output_tokens": 500, "latency_ms": 50},
            }
            handle.write(json.dumps({"id": row_id, "prompt": prompt, "outcomes": outcomes}) + "\n")
    return path


def test_dataset_mode_numbers(cli: Callable[..., Result], write_config: Callable[[str], Path], dataset: Path) -> None:
    config = write_config(DATASET_CONFIG)
    data = compare_json(
        cli, str(config), "--dataset", str(dataset), "--tier-model", "cheap=weak-m", "--tier-model", "premium=strong-m"
    )
    assert data["mode"] == "dataset" and data["cost_unit"] == "usd"
    baseline, routes = data["rows"]
    weak_cost = (1000 * 1 + 100 * 2) / 1e6  # $0.0012
    strong_cost = (1000 * 10 + 500 * 20) / 1e6  # $0.02
    assert baseline["by_tier"] == {"premium": 4}
    assert baseline["cost_usd"] == pytest.approx(4 * strong_cost)
    assert baseline["mean_score"] == 1.0
    assert routes["by_tier"] == {"cheap": 3, "premium": 1}  # only p3 matches the rule
    cost = 3 * weak_cost + strong_cost
    assert routes["cost_usd"] == pytest.approx(cost)
    # scores: p1 1, p2 1, p4 0 (weak), p3 1 (strong) → mean 0.75 of the baseline's 1.0
    assert routes["mean_score"] == 0.75 and routes["quality"] == 0.75
    assert routes["at_floor"] == 0.75
    assert routes["cost_vs_baseline_pct"] == pytest.approx((cost / (4 * strong_cost) - 1) * 100, abs=0.01)


def test_dataset_mode_maps_tiers_by_order_and_reports_bad_files(
    cli: Callable[..., Result], write_config: Callable[[str], Path], dataset: Path, tmp_path: Path
) -> None:
    config = write_config(DATASET_CONFIG)
    data = compare_json(cli, str(config), "--dataset", str(dataset))
    assert any("cheap=weak-m, premium=strong-m" in note for note in data["notes"])
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "prompt": "p", "outcomes": {"m": {"score": 2}}}\n')
    result = cli("compare", str(config), "--dataset", str(broken))
    assert result.exit_code == 2 and f"{broken}:1:" in result.output and "out of range" in result.output
    unknown = cli("compare", str(config), "--dataset", str(dataset), "--tier-model", "cheap=gpt-9")
    assert unknown.exit_code == 2 and "no model 'gpt-9' in the dataset" in unknown.output


def test_dataset_without_costs_uses_strong_call_share(
    cli: Callable[..., Result], write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    path = tmp_path / "plain.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": i, "prompt": p, "outcomes": {"weak-m": {"score": w}, "strong-m": {"score": s}}}) + "\n"
            for i, p, w, s in DATASET_ROWS
        )
    )
    config = write_config(DATASET_CONFIG.replace('model = "premium-model"', 'model = "no-such-model-anywhere"'))
    data = compare_json(cli, str(config), "--dataset", str(path))
    assert data["cost_unit"] == "strong-share"
    assert data["rows"][0]["cost"] == 1.0 and data["rows"][1]["cost"] == 0.25
    assert data["rows"][1]["cost_vs_baseline_pct"] == -75.0


@pytest.mark.model
def test_shipped_local_only_candidate_on_the_embedded_model(cli: Callable[..., Result], tiny: Path) -> None:
    """candidates/local-only.toml, as shipped, replays history on the real embedded model."""
    shipped = Path(__file__).resolve().parents[1] / "candidates" / "local-only.toml"
    data = compare_json(cli, str(shipped), "--scorer", "similarity", "--limit", "2")
    row = data["rows"][1]
    assert row["config"] == "local-only" and row["by_tier"] == {"local": 2} and row["errors"] == 0
    assert row["paid_usd"] > 0 and row["cost_usd"] > 0  # wall time × cost_per_hour
    assert 0.0 <= row["quality"] <= 1.0 and row["p50_latency_ms"] > 0
    again = compare_json(cli, str(shipped), "--scorer", "similarity", "--limit", "2")
    assert again["rows"][1]["paid_usd"] == 0.0 and again["cache"] == {"hits": 2, "misses": 0}
    assert again["rows"][1]["quality"] == row["quality"]


def test_ledger_options_are_refused_with_a_dataset(
    cli: Callable[..., Result], write_config: Callable[[str], Path], dataset: Path
) -> None:
    config = write_config(DATASET_CONFIG)
    result = cli("compare", str(config), "--dataset", str(dataset), "--since", "7d", "--no-cache")
    assert result.exit_code == 2
    assert "--since, --no-cache: only for replays of the ledger, not with --dataset" in result.output
