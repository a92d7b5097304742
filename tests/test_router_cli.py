"""``agentrunner router train|eval|calibrate`` through the CLI: the saved model, one-line errors,
the metrics against a hand computation, the threshold written into routes.toml byte for byte,
and outcome data built from the ledger's scored replays (same file as ``compare --outcomes-out``).

Everything is real: the classifier is fit with scikit-learn, files and the ledger are real, and
the replay test talks HTTP to a scripted OpenAI-compatible peer on 127.0.0.1.
"""

from __future__ import annotations

import difflib
import itertools
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import Result

from agentrunner.chat import ChatRequest, Message
from agentrunner.config import load_config
from agentrunner.ledger import CallRecord, Ledger
from agentrunner.router.calibrate import choose_threshold, set_threshold_text
from agentrunner.router.learned import METADATA_FILE, LearnedClassifier
from agentrunner.router.outcomes import load_outcomes
from tests.support.replay_stubs import StubOpenAI, echo_last_user, stub_tier

GSM8K = Path(__file__).resolve().parent / "fixtures" / "routing" / "gsm8k.jsonl"  # vendored from RouteLLM (Apache-2.0)
WEAK = "small"
STRONG = "big"

# A routes.toml a person wrote: comments, aligned values, odd spacing, a rule, a trailing comment.
USER_CONFIG = """\
# Our routing — reviewed 2026-11-20, keep these comments!
[tiers.local]
provider = "llama-cpp"        # the embedded model
model = "gemma3-270m"
n_ctx = 2048

[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-6"
api_key_env = "ANTHROPIC_API_KEY"

[router]
classifier = "learned"     # trained with `agentrunner router train`
threshold   =  0.5         # set by calibrate
max_escalations = 1

[[rules]]
when = { tag = "critical" }   # never cheap
tier = "premium"
# end of file
"""


# -- data -----------------------------------------------------------------------------------------


def synthetic_records(n: int, seed: int = 0, costs: bool = False) -> list[dict[str, Any]]:
    """Sums the weak model sometimes gets wrong — and then its written arithmetic is wrong, which
    the cascade features can see; long multi-step prompts fail more often (a prompt signal)."""
    rng = random.Random(seed)
    records = []
    for index in range(n):
        a, b = rng.randint(10, 999), rng.randint(10, 999)
        hard = rng.random() < 0.4
        weak_right = rng.random() < (0.35 if hard else 0.85)
        written = a + b if weak_right else a + b + rng.randint(1, 9)
        extra = " Then it gave away a third of them and bought twice as many again." if hard else ""
        weak: dict[str, Any] = {
            "score": 1.0 if weak_right else 0.0,
            "response": f"We add them: {a} + {b} = {written}. The answer is {written}.",
        }
        strong: dict[str, Any] = {"score": 1.0 if rng.random() < 0.95 else 0.0}
        if costs:
            weak["cost_usd"], strong["cost_usd"] = 0.0001, 0.01
        records.append(
            {
                "id": f"synthetic/{index}",
                "prompt": f"A shop sold {a} apples in the morning and {b} in the afternoon.{extra} "
                "How many apples did it sell?",
                "outcomes": {WEAK: weak, STRONG: strong},
            }
        )
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), "utf-8")
    return path


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "outcomes.jsonl", synthetic_records(120))


def run_ok(cli: Callable[..., Result], *args: str) -> Result:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


def run_json(cli: Callable[..., Result], *args: str) -> dict[str, Any]:
    return json.loads(run_ok(cli, *args, "--json").stdout)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# -- train ----------------------------------------------------------------------------------------


def test_train_saves_a_model_that_loads_with_the_same_predictions(
    cli: Callable[..., Result], dataset: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_ok(cli, "router", "train", "--data", str(dataset), "--folds", "3")
    model_dir = isolated_home / ".agentrunner" / "router"
    assert f"saved to {model_dir}" in result.output
    assert "3-fold cross-validation (seed 0)" in result.output
    assert 'set classifier = "learned" in [router]' in result.output
    for name in ("learned", "learned (prompt only)", "random", "perfect"):
        assert name in result.output

    loaded = LearnedClassifier.load(model_dir)
    assert loaded.metadata["weak"] == WEAK and loaded.metadata["strong"] == STRONG  # picked by mean score
    assert loaded.metadata["dataset_path"] == str(dataset)
    rows = load_outcomes(dataset)
    prompts = [row.prompt for row in rows]
    answers = [row.response(WEAK) for row in rows]
    in_process = LearnedClassifier().fit(rows, WEAK, STRONG)
    assert np.array_equal(loaded.predict_many(prompts, answers), in_process.predict_many(prompts, answers))
    assert np.array_equal(loaded.predict_many(prompts), in_process.predict_many(prompts))
    # The router uses the saved model as it is: `route` shows the model's own score.
    config = (isolated_home / "routes.toml").read_text("utf-8").replace(
        'classifier = "heuristic"', 'classifier = "learned"'
    )
    (isolated_home / "routes.toml").write_text(config, "utf-8")
    again = run_ok(cli, "router", "train", "--data", str(dataset), "--folds", "3")
    assert "already has classifier" in again.output
    shown = run_ok(cli, "router", "info").output
    assert f"{model_dir}: in use, threshold 0.5" in shown and f"on {dataset}" in shown
    assert "weak small, strong big" in shown and "cascade     yes" in shown
    # `route` makes no model call; a key only makes the premium tier available to choose from.
    monkeypatch.setenv("ANTHROPIC_API_KEY", "not-used-route-calls-no-model")
    decision = run_json(cli, "route", prompts[0])
    assert decision["score"] == pytest.approx(loaded.predict(prompts[0]), abs=1e-12)


def test_train_json_carries_the_cv_metrics(cli: Callable[..., Result], dataset: Path) -> None:
    data = run_json(cli, "router", "train", "--data", str(dataset), "--folds", "3", "--seed", "7")
    cv = data["training"]["cv_metrics"]
    assert cv["folds"] == 3 and cv["seed"] == 7
    assert cv["perfect"]["apgr"] > cv["learned"]["apgr"] > cv["random"]["apgr"] == pytest.approx(0.5)
    assert data["training"]["n_rows"] == 120


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("{not json", ":3: invalid JSON"),
        ('{"id": "x", "prompt": "p", "outcomes": {"small": {"score": 2}}}', ":3: model 'small': 'score' 2"),
        ('{"id": "synthetic/0", "prompt": "p", "outcomes": {"small": {"score": 1}}}', ":3: duplicate id"),
    ],
)
def test_train_bad_data_line_is_one_line_with_file_and_line(
    cli: Callable[..., Result], tmp_path: Path, line: str, fragment: str
) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", synthetic_records(2))
    path.write_text(path.read_text("utf-8") + line + "\n", "utf-8")
    assert_one_line_error(cli("router", "train", "--data", str(path)), f"{path}{fragment}")


def test_train_unknown_models_too_few_rows_and_missing_source(
    cli: Callable[..., Result], dataset: Path, tmp_path: Path
) -> None:
    result = cli("router", "train", "--data", str(dataset), "--weak", "tiny", "--strong", STRONG)
    assert_one_line_error(result, str(dataset), "weak model 'tiny' is not in the dataset", "models: ")
    few = write_jsonl(tmp_path / "few.jsonl", synthetic_records(7))
    result = cli("router", "train", "--data", str(few))
    assert_one_line_error(result, f"{few}: 7 row(s)", "needs at least 10")
    assert_one_line_error(cli("router", "train"), "--data FILE or --from-ledger")
    result = cli("router", "train", "--data", str(dataset), "--from-ledger")
    assert_one_line_error(result, "not both")
    assert_one_line_error(cli("router", "train", "--data", str(tmp_path / "nope.jsonl")), "no such outcome dataset")


def test_model_with_another_feature_spec_is_a_one_line_error(
    cli: Callable[..., Result], dataset: Path, isolated_home: Path
) -> None:
    run_ok(cli, "router", "train", "--data", str(dataset), "--folds", "2")
    metadata_path = isolated_home / ".agentrunner" / "router" / METADATA_FILE
    document = json.loads(metadata_path.read_text("utf-8"))
    document["feature_spec"]["version"] += 1
    metadata_path.write_text(json.dumps(document), "utf-8")

    result = cli("router", "calibrate", "--data", str(dataset), "--dry-run")
    assert_one_line_error(result, str(metadata_path), "feature spec", "router train")
    assert_one_line_error(cli("router", "info"), str(metadata_path), "feature spec")
    # The router refuses it the same way (a routes.toml error: exit 2, one line).
    config = isolated_home / "routes.toml"
    config.write_text(config.read_text("utf-8").replace('"heuristic"', '"learned"'), "utf-8")
    assert_one_line_error(cli("route", "summarise the notes"), "router.classifier", "feature spec")


# -- eval -----------------------------------------------------------------------------------------

# Ten prompts: weak right on 4, strong right on 8; the strong model is better on exactly 4.
TINY_WEAK = [1.0, 0.0, 0.0, 1.0, 0.0] * 2
TINY_STRONG = [1.0, 1.0, 0.0, 1.0, 1.0] * 2


def tiny_dataset(path: Path) -> Path:
    words = ["apples", "pears", "plums", "figs", "limes", "kiwis", "dates", "grapes", "melons", "cherries"]
    records = [
        {
            "id": f"t{index}",
            "prompt": f"How many {word} are left after {index + 2} are eaten?",
            "outcomes": {
                WEAK: {"score": weak, "response": f"{index} {word}."},
                STRONG: {"score": strong, "response": "worked answer"},
            },
        }
        for index, (word, weak, strong) in enumerate(zip(words, TINY_WEAK, TINY_STRONG, strict=True))
    ]
    return write_jsonl(path, records)


def hand_apgr_cpt(weak: list[float], strong: list[float], scores: list[float]) -> tuple[float, float]:
    """APGR (10 bins) and CPT(50%) written out independently of agentrunner.router.metrics."""
    n = len(weak)
    order = sorted(range(n), key=lambda i: -scores[i])
    points = [(0.0, sum(weak) / n)]
    done = 0
    while done < n:  # prompts with equal scores go to strong together
        group = [i for i in order[done:] if scores[i] == scores[order[done]]]
        done += len(group)
        gained = sum(strong[i] - weak[i] for i in group) / n
        points.append((done / n, points[-1][1] + gained))
    weak_q, strong_q = sum(weak) / n, sum(strong) / n

    def quality(share: float) -> float:
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if x0 <= share <= x1:
                return y0 + (y1 - y0) * (share - x0) / (x1 - x0)
        raise AssertionError(share)

    pgr = [(quality(k / 10) - weak_q) / (strong_q - weak_q) for k in range(11)]
    apgr = sum((pgr[k] + pgr[k + 1]) / 2 * 0.1 for k in range(10))
    first = next(k for k in range(11) if pgr[k] >= 0.5 - 1e-9)  # sums of floats: allow a few ulps
    cpt50 = 0.0 if first == 0 else (first - 1 + (0.5 - pgr[first - 1]) / (pgr[first] - pgr[first - 1])) / 10
    return apgr, cpt50


def test_eval_json_equals_hand_computed_values(cli: Callable[..., Result], tmp_path: Path) -> None:
    data_path = tiny_dataset(tmp_path / "tiny.jsonl")
    scores_path = tmp_path / "scores.jsonl"
    data = run_json(
        cli, "router", "eval", "--data", str(data_path), "--weak", WEAK, "--strong", STRONG,
        "--folds", "2", "--scores-out", str(scores_path),
    )
    assert data["n_rows"] == 10 and data["folds"] == 2
    assert data["weak_quality"] == pytest.approx(0.4) and data["strong_quality"] == pytest.approx(0.8)
    # Perfect router: the 4 prompts where strong is better first; quality 0.4 → 0.8 over shares 0 → 0.4,
    # then flat. APGR = 0.4 × 1/2 + 0.6 × 1 = 0.8; CPT(50%) = 0.2; CPT(80%) = 0.32; 95% of 0.8 = 0.76
    # needs share 0.36, i.e. 4 whole prompts = 0.4.
    perfect = data["metrics"]["perfect"]
    assert perfect["apgr"] == pytest.approx(0.8) and perfect["apgr_exact"] == pytest.approx(0.8)
    assert perfect["cpt50"] == pytest.approx(0.2) and perfect["cpt80"] == pytest.approx(0.32)
    assert perfect["share_for_95"] == pytest.approx(0.4) and perfect["share_for_strong_quality"] == pytest.approx(0.4)
    assert perfect["best_quality"] == pytest.approx(0.8) and perfect["share_at_best_quality"] == pytest.approx(0.4)
    # Random router: quality = 0.4 + 0.4 s, so APGR 0.5, CPT(x) = x, 0.76 needs s = 0.9.
    random_router = data["metrics"]["random"]
    assert random_router["apgr"] == pytest.approx(0.5)
    assert random_router["cpt50"] == pytest.approx(0.5) and random_router["cpt80"] == pytest.approx(0.8)
    assert random_router["share_for_95"] == pytest.approx(0.9)
    # The learned router's numbers follow from the scores it wrote, computed here by hand.
    lines = [json.loads(line) for line in scores_path.read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == [f"t{i}" for i in range(10)]
    apgr, cpt50 = hand_apgr_cpt(TINY_WEAK, TINY_STRONG, [line["score"] for line in lines])
    assert data["metrics"]["learned"]["apgr"] == pytest.approx(apgr, abs=1e-9)
    assert data["metrics"]["learned"]["cpt50"] == pytest.approx(cpt50, abs=1e-9)


def test_eval_writes_the_plot_and_the_scores(cli: Callable[..., Result], dataset: Path, tmp_path: Path) -> None:
    plot, scores = tmp_path / "curve.png", tmp_path / "scores.jsonl"
    result = run_ok(
        cli, "router", "eval", "--data", str(dataset), "--folds", "3", "--plot", str(plot), "--scores-out", str(scores)
    )
    for header in ("APGR", "CPT(50%)", "CPT(80%)", "95% strong"):
        assert header in result.output
    assert f"wrote {plot}" in result.output and f"wrote {scores} (120 scores)" in result.output
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 10_000
    lines = [json.loads(line) for line in scores.read_text("utf-8").splitlines()]
    assert len(lines) == 120 and {line["id"] for line in lines} == {f"synthetic/{i}" for i in range(120)}
    assert all(set(line) == {"id", "score"} and 0.0 <= line["score"] <= 1.0 for line in lines)
    # Higher = send to strong: the prompts the weak model got wrong score higher on average.
    wrong = {r["id"] for r in synthetic_records(120) if r["outcomes"][WEAK]["score"] == 0.0}
    by_id = {line["id"]: line["score"] for line in lines}
    assert np.mean([by_id[i] for i in wrong]) > np.mean([s for i, s in by_id.items() if i not in wrong]) + 0.2

    missing_dir = tmp_path / "no" / "curve.png"
    result = cli("router", "eval", "--data", str(dataset), "--plot", str(missing_dir))
    assert_one_line_error(result, "--plot", "does not exist")
    result = cli("router", "eval", "--data", str(tiny_dataset(tmp_path / "t.jsonl")), "--folds", "20")
    assert_one_line_error(result, "20-fold cross-validation needs at least 20")


# -- calibrate ------------------------------------------------------------------------------------


def test_choose_threshold_on_hand_computed_rows() -> None:
    p_ok = [0.9, 0.8, 0.3, 0.2, 0.6]
    weak = [1.0, 1.0, 0.0, 0.0, 1.0]
    strong = [1.0, 1.0, 1.0, 1.0, 0.0]  # mean 0.8
    # Thresholds between the scores: 0, 0.25, 0.45, 0.7, 0.85, 1. At 0.25 only row 3 (p 0.2) goes to
    # strong: quality (1+1+0+1+1)/5 = 0.8 = 100% of strong-only, with 20% strong calls.
    choice = choose_threshold(p_ok, weak, strong, 0.95)
    assert (choice.threshold, choice.reached) == (0.25, True)
    assert choice.quality == pytest.approx(0.8) and choice.strong_share == pytest.approx(0.2)
    # Floor 1.2 (beat the strong model): rows 2 and 3 to strong gives 1.0 ≥ 0.96 at 40%.
    choice = choose_threshold(p_ok, weak, strong, 1.2)
    assert (choice.threshold, choice.reached, choice.strong_share) == (0.45, True, pytest.approx(0.4))
    # Unreachable: the best quality is kept and said to miss the floor.
    choice = choose_threshold(p_ok, weak, strong, 1.5)
    assert (choice.threshold, choice.reached, choice.quality) == (0.45, False, pytest.approx(1.0))
    # With costs the cheapest threshold wins, not the fewest strong calls: here the weak answer to
    # row 3 costs more than the strong one, so 0.25 (cost 6) beats 0 (cost 9) at a low floor.
    choice = choose_threshold(
        p_ok, weak, strong, 0.5, weak_costs=[1, 1, 1, 5, 1], strong_costs=[2, 2, 2, 2, 2]
    )
    assert (choice.threshold, choice.cost_usd, choice.strong_cost_usd) == (0.25, 6.0, 10.0)
    assert choose_threshold(p_ok, weak, strong, 0.5).threshold == 0.0  # by share: nothing to strong


def test_confidence_buys_a_margin_over_the_point_estimate() -> None:
    rng = np.random.default_rng(3)
    p_ok = rng.random(400)
    weak = (rng.random(400) < p_ok).astype(float)  # a higher p really is more often fine cheap
    strong = (rng.random(400) < 0.9).astype(float)
    point = choose_threshold(p_ok, weak, strong, 0.95)
    assert point.reached and point.confidence is None
    assert point.relative_quality_low < point.relative_quality <= point.relative_quality_high
    sure = choose_threshold(p_ok, weak, strong, 0.95, confidence=0.9)
    assert sure.reached and sure.reach_probability >= 0.9 > point.reach_probability
    assert sure.threshold > point.threshold and sure.strong_share > point.strong_share
    assert sure.relative_quality_low >= point.relative_quality_low
    assert choose_threshold(p_ok, weak, strong, 0.95, confidence=0.9) == sure  # seeded


def one_line_diff(before: str, after: str) -> list[str]:
    changed = [line for line in difflib.ndiff(before.splitlines(True), after.splitlines(True)) if line[:1] in "+-"]
    return changed


def test_calibrate_writes_only_the_threshold_and_keeps_comments(
    cli: Callable[..., Result], dataset: Path, write_config: Callable[[str], Path]
) -> None:
    config_path = write_config(USER_CONFIG)
    data = run_json(cli, "router", "calibrate", "--data", str(dataset), "--quality-floor", "0.9", "--dry-run")
    assert config_path.read_text("utf-8") == USER_CONFIG  # --dry-run writes nothing
    assert data["written_to"] is None and data["previous_threshold"] == 0.5

    result = run_ok(cli, "router", "calibrate", "--data", str(dataset), "--quality-floor", "0.9")
    after = config_path.read_bytes().decode("utf-8")
    changed = one_line_diff(USER_CONFIG, after)
    assert len(changed) == 2, changed  # one line out, one line in
    threshold = data["threshold"]
    assert changed[0] == "- threshold   =  0.5         # set by calibrate\n"
    assert changed[1].startswith(f"+ threshold   =  {threshold}") and changed[1].endswith(" # set by calibrate\n")
    assert f"wrote router.threshold = {threshold:g} to {config_path} (was 0.5)" in result.output
    assert load_config(config_path).router.threshold == pytest.approx(threshold)
    # The floor is met on the held-out rows, and the threshold is not a trivial end.
    assert data["reached"] and data["quality"] >= 0.9 * data["strong_quality"] - 1e-12
    assert 0.0 < data["threshold"] < 1.0 and 0.0 < data["strong_share"] < 1.0
    assert data["n_rows"] == 36  # 30% of 120


def test_set_threshold_adds_a_missing_key_or_table() -> None:
    text = '[tiers.local]\nprovider = "llama-cpp"\n\n[router]\nclassifier = "learned"\n'
    assert set_threshold_text(text, 0.25) == text + "threshold = 0.25\n"
    bare = '# tiers only\n[tiers.local]\nprovider = "llama-cpp"\n'
    assert set_threshold_text(bare, 0.25) == bare + "\n[router]\nthreshold = 0.25\n"
    inline = 'router = { threshold = 0.5, classifier = "learned" }\n[tiers.local]\nprovider = "llama-cpp"\n'
    assert set_threshold_text(inline, 0.3).splitlines()[0] == 'router = { threshold = 0.3, classifier = "learned" }'


def test_calibrate_with_costs_cascade_and_the_saved_model(
    cli: Callable[..., Result], tmp_path: Path, isolated_home: Path
) -> None:
    training = write_jsonl(tmp_path / "train.jsonl", synthetic_records(120, seed=1, costs=True))
    fresh = write_jsonl(tmp_path / "fresh.jsonl", synthetic_records(60, seed=2, costs=True))
    # Without --data, calibrate reads the file the saved model was trained on.
    assert_one_line_error(cli("router", "calibrate", "--dry-run"), "--data FILE or --from-ledger")
    run_ok(cli, "router", "train", "--data", str(training), "--folds", "3")
    data = run_json(cli, "router", "calibrate", "--dry-run", "--cascade")
    assert data["dataset"] == str(training) and data["scores"] == "cascade"
    assert data["cost_usd"] is not None and data["cost_usd"] < data["strong_cost_usd"]
    # --use-trained: every row of new data is held out from the saved model.
    data = run_json(cli, "router", "calibrate", "--data", str(fresh), "--use-trained", "--cascade", "--dry-run")
    assert data["n_rows"] == 60 and "saved model" in data["protocol"]
    assert data["reached"] and data["relative_quality"] >= 0.95 - 1e-12
    result = cli("router", "calibrate", "--data", str(training), "--use-trained", "--dry-run")
    assert_one_line_error(result, "trained on this file")
    assert_one_line_error(cli("router", "calibrate", "--holdout", "1.5", "--dry-run"), "--holdout")


# -- outcome data from the ledger ----------------------------------------------------------------


@pytest.fixture
def stub() -> Iterator[StubOpenAI]:
    with StubOpenAI(echo_last_user) as server:
        yield server


def test_train_from_ledger_uses_the_scored_replays_of_compare(
    cli: Callable[..., Result], stub: StubOpenAI, write_config: Callable[[str], Path], isolated_home: Path
) -> None:
    write_config(stub_tier("big", stub.base_url, "stub-big", input_per_mtok=10, output_per_mtok=30))
    small = isolated_home / "small.toml"
    small.write_text(stub_tier("small", stub.base_url, "stub-small", input_per_mtok=1, output_per_mtok=2), "utf-8")
    ledger = Ledger.for_config(load_config(isolated_home / "routes.toml"))
    for number in range(12):
        prompt = f"question {number}: add {number} and {number * 3}"
        request = ChatRequest(messages=[Message(role="user", content=prompt)], max_tokens=32)
        # The small model will answer "stub-small: <prompt>": the same as the recorded answer on
        # every third call, so the exact scorer gives 1 there and 0 elsewhere.
        recorded = f"stub-small: {prompt}" if number % 3 == 0 else f"the answer is {number * 4}"
        ledger.record_call(
            CallRecord(
                id=f"c{number:02d}",
                ts_start=f"2026-11-26T10:00:{number:02d}.000000Z",
                tier="big",
                provider="openai",
                model="stub-big",
                request_json=json.dumps({"model": "stub-big", **request.canonical()}, sort_keys=True),
                request_hash=request.request_hash(),
                response_text=recorded,
                input_tokens=100,
                output_tokens=10,
                cost_usd=0.01,
                step_kind="act",
            )
        )
    ledger.close()
    assert_one_line_error(cli("router", "train", "--from-ledger"), "no scored replays")

    exported_by_compare = isolated_home / "compare-outcomes.jsonl"
    run_ok(cli, "compare", str(small), "--scorer", "exact", "--outcomes-out", str(exported_by_compare))
    result = run_ok(
        cli, "router", "train", "--from-ledger", "--weak", "stub-small", "--strong", "stub-big", "--folds", "2"
    )
    from_ledger = isolated_home / ".agentrunner" / "ledger-outcomes.jsonl"
    assert f"{from_ledger}: 12 prompts from the ledger (12 scored answers)" in result.output
    # No replay this time (the stub saw 12 calls, all from compare), and the same dataset as compare's.
    assert stub.calls == {"stub-small": 12}
    assert from_ledger.read_text("utf-8") == exported_by_compare.read_text("utf-8")
    rows = load_outcomes(from_ledger)
    assert [row.outcomes["stub-small"].score for row in rows] == [1.0 if n % 3 == 0 else 0.0 for n in range(12)]
    assert all(row.outcomes["stub-big"].score == 1.0 for row in rows)
    model = LearnedClassifier.load(isolated_home / ".agentrunner" / "router")
    assert model.metadata["dataset_path"] == str(from_ledger) and model.metadata["n_rows"] == 12
    assert_one_line_error(cli("router", "train", "--from-ledger", "--since", "1h"), "no scored replays since 1h")
    choice = run_json(
        cli, "router", "calibrate", "--from-ledger", "--weak", "stub-small", "--strong", "stub-big", "--dry-run"
    )
    assert choice["dataset"] == str(from_ledger) and choice["n_rows"] == 4  # 30% of 12 held out
    report = run_json(cli, "router", "eval", "--from-ledger", "--folds", "2")
    assert report["dataset"] == str(from_ledger) and report["n_rows"] == 12
    assert (report["weak"], report["strong"]) == ("stub-small", "stub-big")
    assert report["weak_quality"] == pytest.approx(4 / 12) and report["strong_quality"] == 1.0
    assert_one_line_error(cli("router", "calibrate", "--since", "1h"), "--since only applies with --from-ledger")


# -- the real dataset -----------------------------------------------------------------------------


def test_gsm8k_slice_trains_and_calibrates(cli: Callable[..., Result], tmp_path: Path) -> None:
    lines = GSM8K.read_text("utf-8").splitlines(True)[:300]
    path = tmp_path / "gsm8k-300.jsonl"
    path.write_text("".join(lines), "utf-8")
    weak, strong = "mixtral-8x7b-instruct-v0.1", "gpt-4-1106-preview"
    data = run_json(cli, "router", "train", "--data", str(path), "--weak", weak, "--strong", strong)
    cv = data["training"]["cv_metrics"]
    assert cv["learned"]["apgr"] > 0.65 and cv["learned"]["cpt50"] < 0.3  # random: 0.5 and 50%
    choice = run_json(cli, "router", "calibrate", "--cascade", "--dry-run")
    assert choice["weak"] == weak and choice["reached"]
    assert choice["quality"] >= 0.95 * choice["strong_quality"] - 1e-12 and choice["strong_share"] < 0.95
