"""Outcome datasets, answer features, the learned classifier (train/save/load) and router eval."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agentrunner.router.evaluate import (
    LEARNED,
    PERFECT,
    RANDOM,
    evaluate_file,
    evaluate_rows,
    train_router,
)
from agentrunner.router.features import (
    ANSWER_FEATURE_NAMES,
    DENSE_FEATURE_NAMES,
    FEATURE_SPEC,
    MAX_TEXT_CHARS,
    answer_feature_values,
    check_equations,
    clip_text,
    dense_features,
    evaluate_arithmetic,
)
from agentrunner.router.learned import (
    METADATA_FILE,
    MODEL_FILE,
    LearnedClassifier,
    ModelSpecMismatch,
    RouterModelError,
)
from agentrunner.router.outcomes import (
    OutcomeDataError,
    OutcomeRow,
    list_models,
    load_outcomes,
    pick_weak_strong,
)

GSM8K = Path(__file__).resolve().parent / "fixtures" / "routing" / "gsm8k.jsonl"  # vendored from RouteLLM (Apache-2.0)
WEAK = "small"
STRONG = "big"


# -- a synthetic outcome dataset with a learnable, generic signal ------------------------------


def synthetic_records(
    n: int, seed: int = 0, responses: bool = True, graded: bool = False
) -> list[dict[str, Any]]:
    """Sums the weak model sometimes gets wrong — and then its written arithmetic is wrong."""
    rng = random.Random(seed)
    records = []
    for index in range(n):
        a, b = rng.randint(10, 999), rng.randint(10, 999)
        weak_right = rng.random() < 0.6
        written = a + b if weak_right else a + b + rng.randint(1, 9)
        weak_score = 1.0 if weak_right else 0.0
        strong_score = 1.0 if rng.random() < 0.95 else 0.0
        if graded:
            weak_score = (
                round(0.7 + 0.3 * rng.random(), 2) if weak_right else round(0.3 * rng.random(), 2)
            )
            strong_score = round(0.6 + 0.4 * rng.random(), 2)
        weak_outcome: dict[str, Any] = {"score": weak_score}
        if responses:
            weak_outcome["response"] = (
                f"We add them: {a} + {b} = {written}. The answer is {written}."
            )
        records.append(
            {
                "id": f"synthetic/{index}",
                "prompt": f"A shop sold {a} apples in the morning and {b} in the afternoon. "
                "How many apples did it sell?",
                "outcomes": {
                    WEAK: weak_outcome,
                    STRONG: {"score": strong_score, "response": f"The total is {a + b}."},
                },
            }
        )
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "synthetic.jsonl", synthetic_records(150))


@pytest.fixture
def trained(dataset: Path) -> LearnedClassifier:
    return LearnedClassifier().fit(load_outcomes(dataset), WEAK, STRONG, dataset_path=dataset)


# -- outcome datasets --------------------------------------------------------------------------


def test_load_outcomes_parses_rows_and_optional_fields(tmp_path: Path) -> None:
    record = {
        "id": 7,
        "prompt": "p",
        "category": "maths",
        "outcomes": {"a": {"score": 1, "response": "r", "input_tokens": 3, "cost_usd": 0.5}},
    }
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(record) + "\n\n", encoding="utf-8")
    (row,) = load_outcomes(path)
    assert row.id == "7" and row.category == "maths" and row.line_number == 1
    outcome = row.outcomes["a"]
    assert (outcome.score, outcome.response, outcome.input_tokens, outcome.cost_usd) == (
        1.0,
        "r",
        3,
        0.5,
    )
    assert outcome.output_tokens is None and outcome.latency_ms is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x", "prompt": "p", "outcomes": {', "invalid JSON"),
        ('{"id": "x", "outcomes": {"a": {"score": 1}}}', "missing field 'prompt'"),
        ('{"id": "x", "prompt": "p", "outcomes": {"a": {}}}', "model 'a': missing field 'score'"),
        ('{"id": "x", "prompt": "p", "outcomes": {"a": {"score": 1.5}}}', "out of range"),
        ('{"id": "x", "prompt": "p", "outcomes": {"a": {"score": "1"}}}', "must be a number"),
        ('{"id": "x", "prompt": "p", "outcomes": {}}', "non-empty object"),
        ('["not", "an", "object"]', "expected a JSON object"),
    ],
)
def test_bad_records_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    good = json.dumps({"id": "ok", "prompt": "p", "outcomes": {"a": {"score": 0.5}}})
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    with pytest.raises(OutcomeDataError) as caught:
        load_outcomes(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:2: ")
    assert message in text
    assert "\n" not in text
    assert isinstance(caught.value, ValueError)


def test_duplicate_ids_and_empty_files_are_errors(tmp_path: Path) -> None:
    record = json.dumps({"id": "same", "prompt": "p", "outcomes": {"a": {"score": 0}}})
    path = tmp_path / "dup.jsonl"
    path.write_text(f"{record}\n{record}\n", encoding="utf-8")
    with pytest.raises(
        OutcomeDataError, match=r"dup.jsonl:2: duplicate id 'same' \(first seen on line 1\)"
    ):
        load_outcomes(path)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(OutcomeDataError, match="no rows"):
        load_outcomes(empty)
    with pytest.raises(OutcomeDataError, match="cannot open"):
        load_outcomes(tmp_path / "missing.jsonl")


def test_pick_weak_strong_by_score_or_cost(dataset: Path, tmp_path: Path) -> None:
    rows = load_outcomes(dataset)
    assert list_models(rows) == {STRONG: 150, WEAK: 150}
    assert pick_weak_strong(rows) == (WEAK, STRONG)
    assert pick_weak_strong(rows, weak=STRONG) == (STRONG, WEAK)
    with pytest.raises(OutcomeDataError, match="'nope' is not in the dataset"):
        pick_weak_strong(rows, strong="nope")
    # With costs everywhere, the cheaper model is weak even if it scores higher.
    priced = [
        {
            "id": str(i),
            "prompt": "p",
            "outcomes": {
                "cheap": {"score": 0.9, "cost_usd": 0.001},
                "dear": {"score": 0.5, "cost_usd": 0.1},
            },
        }
        for i in range(3)
    ]
    assert pick_weak_strong(load_outcomes(write_jsonl(tmp_path / "c.jsonl", priced))) == (
        "cheap",
        "dear",
    )


# -- features ------------------------------------------------------------------------------------


def test_arithmetic_in_answers_is_checked() -> None:
    assert evaluate_arithmetic("3 x $60 + 10%") == pytest.approx(180.1)
    assert evaluate_arithmetic("__import__('os')") is None
    assert evaluate_arithmetic("1 / 0") is None
    check = check_equations("So 12 + 24 = 36 and 3 x 60 = <<3*60=180>>180, but 5 * 4 = 21.")
    assert (check.found, check.wrong) == (3, 1)
    assert {36.0, 180.0, 21.0} <= check.results
    # Rounded results are not errors; words between numbers are not equations.
    assert check_equations("250 / 3 = 83.33 and 52 inches - 48 inches = 4 inches").wrong == 0
    assert check_equations("4 * Brooke's age + 4 = 28").found == 0


def test_answer_features_are_generic_and_complete() -> None:
    assert len(dense_features("prompt", None)) == len(DENSE_FEATURE_NAMES)
    assert set(answer_feature_values("p", None).values()) == {0.0}
    truncated = answer_feature_values("What is 2+2?", "We compute 2 + 2 = <<2+2")
    finished = answer_feature_values("What is 2+2?", "2 + 2 = 4.\nThe answer is 4.")
    assert (
        truncated["answer_unbalanced_brackets"] == 1.0
        and finished["answer_unbalanced_brackets"] == 0.0
    )
    assert (
        finished["answer_final_marker"] == 1.0 and finished["answer_final_number_computed"] == 1.0
    )
    code = answer_feature_values("Write f", "```python\ndef f(:\n    return 1\n```")
    assert code["answer_python_blocks"] == 1.0 and code["answer_python_syntax_error"] == 1.0
    refusal = answer_feature_values("Do x", "I'm sorry, I cannot help with that.")
    assert refusal["answer_refusal"] == 1.0
    assert set(ANSWER_FEATURE_NAMES) <= set(DENSE_FEATURE_NAMES)


def test_long_texts_are_clipped_but_keep_their_length() -> None:
    long_text = "word " * 10_000
    assert len(clip_text(long_text)) <= MAX_TEXT_CHARS + 1
    short = dense_features("p", "word " * 100)
    long = dense_features("p", long_text)
    index = DENSE_FEATURE_NAMES.index("answer_log_chars")
    assert long[index] > short[index]


# -- the classifier ------------------------------------------------------------------------------


def test_classifier_learns_that_wrong_arithmetic_needs_the_strong_tier(
    trained: LearnedClassifier,
) -> None:
    records = synthetic_records(60, seed=99)
    answers = [r["outcomes"][WEAK]["response"] for r in records]
    right = np.array([r["outcomes"][WEAK]["score"] == 1.0 for r in records])
    p_ok = trained.predict_many([r["prompt"] for r in records], answers)
    assert ((p_ok >= 0.0) & (p_ok <= 1.0)).all()
    assert p_ok[right].mean() > p_ok[~right].mean() + 0.3
    # Higher "strong score" is the complement, for evaluation.
    assert trained.strong_scores([records[0]["prompt"]], [answers[0]])[0] == pytest.approx(
        1 - p_ok[0]
    )


def test_single_prediction_equals_batch_prediction(trained: LearnedClassifier) -> None:
    records = synthetic_records(30, seed=5)
    prompts = [r["prompt"] for r in records]
    answers = [r["outcomes"][WEAK]["response"] for r in records]
    batch = trained.predict_many(prompts, answers)
    single = np.array([trained.predict(p, a) for p, a in zip(prompts, answers, strict=True)])
    assert np.abs(batch - single).max() < 1e-9
    prompt_only = trained.predict_many(prompts)
    assert np.abs(prompt_only - [trained.predict(p) for p in prompts]).max() < 1e-9
    unseen = trained.predict("completely unrelated words ```code```", "🙂 " * 3)
    assert 0.0 <= unseen <= 1.0


def test_train_save_load_gives_the_same_predictions(
    trained: LearnedClassifier, dataset: Path, tmp_path: Path
) -> None:
    model_dir = tmp_path / ".agentrunner" / "router"
    trained.save(model_dir)
    assert (model_dir / MODEL_FILE).is_file() and (model_dir / METADATA_FILE).is_file()
    loaded = LearnedClassifier.load(model_dir)
    records = synthetic_records(20, seed=3)
    prompts = [r["prompt"] for r in records]
    answers = [r["outcomes"][WEAK]["response"] for r in records]
    assert np.array_equal(
        loaded.predict_many(prompts, answers), trained.predict_many(prompts, answers)
    )
    assert loaded.predict(prompts[0]) == trained.predict(prompts[0])
    assert loaded.spec == FEATURE_SPEC
    document = json.loads((model_dir / METADATA_FILE).read_text())
    training = document["training"]
    assert training["dataset_path"] == str(dataset)
    assert len(training["dataset_sha256"]) == 64
    assert (training["n_rows"], training["weak"], training["strong"]) == (150, WEAK, STRONG)
    assert training["trained_at"] and loaded.metadata["weak"] == WEAK
    assert document["feature_spec"]["name"] == FEATURE_SPEC.name


def test_model_with_another_feature_spec_is_refused(
    trained: LearnedClassifier, tmp_path: Path
) -> None:
    trained.save(tmp_path)
    metadata_path = tmp_path / METADATA_FILE
    document = json.loads(metadata_path.read_text())
    document["feature_spec"]["version"] = FEATURE_SPEC.version + 41
    metadata_path.write_text(json.dumps(document))
    with pytest.raises(ModelSpecMismatch) as caught:
        LearnedClassifier.load(tmp_path)
    message = str(caught.value)
    assert f"v{FEATURE_SPEC.version + 41}" in message
    assert f"expects '{FEATURE_SPEC.name} v{FEATURE_SPEC.version}'" in message
    assert "agentrunner router train" in message
    assert isinstance(caught.value, ValueError)

    document["feature_spec"]["version"] = FEATURE_SPEC.version
    document["feature_spec"]["params"]["max_text_chars"] = 1
    metadata_path.write_text(json.dumps(document))
    with pytest.raises(ModelSpecMismatch, match="with other parameters"):
        LearnedClassifier.load(tmp_path)


def test_missing_or_tampered_model_files_are_clear_errors(
    trained: LearnedClassifier, tmp_path: Path
) -> None:
    with pytest.raises(RouterModelError, match="no trained router model"):
        LearnedClassifier.load(tmp_path / "nothing")
    trained.save(tmp_path)
    with (tmp_path / MODEL_FILE).open("ab") as handle:
        handle.write(b"junk")
    with pytest.raises(RouterModelError, match="sha256"):
        LearnedClassifier.load(tmp_path)
    with pytest.raises(RouterModelError, match="not trained"):
        LearnedClassifier().predict("x")


def test_prompt_only_dataset_without_responses(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "prompts.jsonl", synthetic_records(80, responses=False))
    classifier = LearnedClassifier().fit(load_outcomes(path), WEAK, STRONG)
    assert not classifier.has_cascade_model
    # Without a cascade model, a given cheap answer is ignored rather than misread.
    assert classifier.predict("A shop sold 5 apples", "5 + 5 = 11") == classifier.predict(
        "A shop sold 5 apples"
    )
    report = evaluate_rows(load_outcomes(path), WEAK, STRONG, folds=3)
    assert LEARNED not in report.metrics and report.n_rows_with_cheap_answer == 0


def test_graded_scores_and_one_sided_data(tmp_path: Path) -> None:
    graded = load_outcomes(write_jsonl(tmp_path / "g.jsonl", synthetic_records(120, graded=True)))
    report = evaluate_rows(graded, WEAK, STRONG, folds=4)
    assert report.metrics[LEARNED].apgr > report.metrics[RANDOM].apgr + 0.1
    # Strong never better: the model is constant and says the cheap answer is fine.
    records = synthetic_records(40)
    for record in records:
        record["outcomes"][STRONG]["score"] = 0.0
    flat = LearnedClassifier().fit(
        load_outcomes(write_jsonl(tmp_path / "f.jsonl", records)), WEAK, STRONG
    )
    assert flat.predict("anything", "1 + 1 = 3") > 0.99


# -- evaluation ----------------------------------------------------------------------------------


def test_evaluate_file_writes_plot_and_scores(dataset: Path, tmp_path: Path) -> None:
    plot = tmp_path / "curve.png"
    scores_out = tmp_path / "scores.jsonl"
    report = evaluate_file(dataset, folds=5, seed=1, plot=plot, scores_out=scores_out)
    assert (report.weak, report.strong, report.n_rows) == (WEAK, STRONG, 150)
    assert set(report.metrics) >= {LEARNED, RANDOM, PERFECT}
    assert report.metrics[LEARNED].apgr > 0.8  # the arithmetic signal is learnable
    assert report.metrics[RANDOM].apgr == pytest.approx(0.5)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = [json.loads(line) for line in scores_out.read_text().splitlines()]
    assert [line["id"] for line in lines] == [f"synthetic/{i}" for i in range(150)]
    assert all(set(line) == {"id", "score"} for line in lines)
    # Same seed, same folds, same numbers.
    again = evaluate_file(dataset, folds=5, seed=1)
    assert again.metrics == report.metrics
    assert "APGR" in report.format_table()


def test_train_router_stores_cv_metrics(dataset: Path, tmp_path: Path) -> None:
    classifier = train_router(dataset, tmp_path / "model", folds=3)
    loaded = LearnedClassifier.load(tmp_path / "model")
    cv = loaded.metadata["cv_metrics"]
    assert cv["folds"] == 3 and cv[LEARNED]["apgr"] > 0.5
    assert classifier.metadata["dataset_sha256"] == loaded.metadata["dataset_sha256"]


@pytest.fixture(scope="module")
def gsm8k_rows() -> list[OutcomeRow]:
    return load_outcomes(GSM8K)


def test_gsm8k_slice_beats_random_clearly(gsm8k_rows: list[OutcomeRow]) -> None:
    report = evaluate_rows(gsm8k_rows[:400], folds=5, seed=0)
    assert report.metrics[LEARNED].apgr > 0.65
    assert report.metrics[LEARNED].cpt50 < 0.30


def test_gsm8k_full_cv_reaches_the_target(gsm8k_rows: list[OutcomeRow]) -> None:
    """Issue 4's bar: 5-fold CV APGR >= 0.75 and CPT(50%) <= 20% on gsm8k.jsonl."""
    report = evaluate_rows(gsm8k_rows, "mixtral-8x7b-instruct-v0.1", "gpt-4-1106-preview", folds=5)
    learned = report.metrics[LEARNED]
    assert learned.apgr >= 0.75
    assert learned.cpt50 <= 0.20
