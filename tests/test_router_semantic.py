"""Semantic routing features: code answers checked against the prompt's own doctest examples (run
in the sandbox), the prompt embedding from the embedded Gemma (real llama.cpp, cached on disk),
the fast/semantic modes, and calibration and tune on a model that reads embeddings."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import Result

from agentrunner.config import parse_config
from agentrunner.errors import RouterModelError
from agentrunner.replay.outcome_eval import load_dataset
from agentrunner.replay.tune import DatasetEvaluator, Space, tune
from agentrunner.router.calibrate import calibrate
from agentrunner.router.embedding import CACHE_ENV, EmbeddingSpec, PromptEmbedder
from agentrunner.router.evaluate import (
    LEARNED,
    LEARNED_ANSWER,
    LEARNED_PROMPT_ONLY,
    evaluate_rows,
)
from agentrunner.router.features import (
    answer_feature_values,
    answer_program,
    doctest_examples,
    prompt_feature_values,
    run_prompt_doctests,
)
from agentrunner.router.learned import LearnedClassifier
from agentrunner.router.outcomes import load_outcomes
from agentrunner.router.router import LearnedAdapter
from agentrunner.router.types import Step
from agentrunner.sandbox import sandbox_status

HUMANEVAL = Path(__file__).resolve().parent / "fixtures" / "routing" / "humaneval.jsonl"

PROMPT = '''def add(a: int, b: int) -> int:
    """ Add two numbers.
    >>> add(2, 3)
    5
    >>> add(-1, 1)
    0
    """
'''

TWO_TIERS = """
[tiers.cheap]
provider = "openai"
model = "small"
price = { input_per_mtok = 1.0, output_per_mtok = 2.0 }

[tiers.premium]
provider = "openai"
model = "big"
price = { input_per_mtok = 10.0, output_per_mtok = 20.0 }

[router]
threshold = 0.5
"""

needs_sandbox = pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")


# -- code answers: compile, run the prompt's examples ----------------------------------------------


def code_values(prompt: str, answer: str) -> dict[str, float]:
    values = answer_feature_values(prompt, answer)
    return {name[len("answer_") :]: value for name, value in values.items() if "code" in name or "doctest" in name}


@needs_sandbox
def test_a_completion_that_passes_the_prompts_examples_is_seen_as_passing() -> None:
    assert doctest_examples(PROMPT) == 2
    assert prompt_feature_values(PROMPT)["prompt_doctest_examples"] == 2.0
    right = code_values(PROMPT, "    return a + b\n")
    assert right["code_compiles"] == right["code_continues_prompt"] == 1.0
    assert right["doctests_ran"] == right["doctests_all_pass"] == right["doctest_pass_share"] == 1.0
    half = code_values(PROMPT, "    return 5\n")  # right on the first example only
    assert half["doctests_ran"] == 1.0 and half["doctest_pass_share"] == 0.5 and half["doctests_all_pass"] == 0.0
    # A whole function in a fenced block, as a chat model writes it, is run on its own.
    fenced = code_values(PROMPT, "Here it is:\n```python\ndef add(a, b):\n    return b + a\n```\n")
    assert fenced["code_continues_prompt"] == 0.0 and fenced["doctests_all_pass"] == 1.0


@needs_sandbox
def test_broken_hanging_or_hostile_code_passes_nothing() -> None:
    broken = code_values(PROMPT, "    return a +\n")
    assert broken["code_compiles"] == 0.0 and broken["doctests_ran"] == 0.0
    started = time.monotonic()
    hangs = code_values(PROMPT, "    while True:\n        pass\n")
    assert hangs["doctests_timed_out"] == 1.0 and hangs["doctest_pass_share"] == 0.0
    assert time.monotonic() - started < 30
    exits = code_values(PROMPT, "    import os\n    os._exit(0)\n")
    assert exits["doctests_ran"] == 1.0 and exits["doctests_all_pass"] == 0.0
    # The sandbox has no home folder: the answer's code cannot read it.
    home = str(Path.home())
    reads = code_values(PROMPT, f"    import os\n    return len(os.listdir({home!r})) * 0 + a + b\n")
    assert reads["doctests_all_pass"] == 0.0


def test_prose_answers_and_prompts_without_examples_run_nothing() -> None:
    assert answer_program("What is 2 + 2?", "The answer is 4.") == (None, False)
    values = code_values("What is 2 + 2?", "The answer is 4.")
    assert set(values.values()) == {0.0}
    no_examples = code_values("def f():\n    '''Return one.'''\n", "    return 1\n")
    assert no_examples["code_compiles"] == 1.0 and no_examples["doctests_ran"] == 0.0


def test_model_written_code_never_runs_without_the_sandbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AGENTRUNNER_BWRAP", str(tmp_path / "no-bwrap"))
    run_prompt_doctests.cache_clear()
    try:
        marker = tmp_path / "ran"
        program = f"open({str(marker)!r}, 'w').write('x')\n"
        assert not run_prompt_doctests(PROMPT, program).ran
        assert not marker.exists()
    finally:
        run_prompt_doctests.cache_clear()


# -- the prompt embedding (real Gemma 270M) ---------------------------------------------------------


@pytest.fixture
def embedding_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "embeddings"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    return cache


@pytest.mark.model
def test_embeddings_are_bounded_mean_pooled_and_cached_on_disk(embedding_cache: Path) -> None:
    spec = EmbeddingSpec(max_tokens=16)
    embedder = PromptEmbedder(spec)
    head = "Write a function that parses ISO dates, checks that each is valid, and returns the weekday of each"
    vectors = embedder.embed_many([head, head + " " + "and many more words after the sixteenth token " * 20])
    assert vectors.shape == (2, 640) and np.isfinite(vectors).all()
    # Truncated to the first 16 tokens: the long tail changes nothing.
    assert np.allclose(vectors[0], vectors[1])
    other = embedder.embed("How many apples did the shop sell in total?")
    assert not np.allclose(other, vectors[0])
    assert embedder.computed == 3
    # A new process (a new embedder) reads the disk cache: nothing computed.
    again = PromptEmbedder(spec)
    assert np.array_equal(again.embed(head), vectors[0].astype(np.float32).astype(np.float64))
    assert again.computed == 0
    assert (embedding_cache / "vectors.sqlite3").is_file()


@pytest.mark.model
def test_last_token_pooling_is_its_own_vector_and_cache_entry(embedding_cache: Path) -> None:
    prompt = "Write a function that parses ISO dates, checks that each is valid, and returns the weekday of each"
    mean = PromptEmbedder(EmbeddingSpec(max_tokens=16))
    last = PromptEmbedder(EmbeddingSpec(max_tokens=16, pooling="last"))
    assert mean.key(prompt) != last.key(prompt)  # one cache, two entries
    mean_vector, last_vector = mean.embed(prompt), last.embed(prompt)
    assert last_vector.shape == mean_vector.shape == (640,) and np.isfinite(last_vector).all()
    assert not np.allclose(mean_vector, last_vector)
    # The prompt is longer than 16 tokens: the 16th token is the one pooled, a longer tail changes nothing.
    assert np.allclose(last.embed(prompt + " and many more words after the sixteenth token" * 5), last_vector)
    assert last.computed == 2 and mean.computed == 1


def test_an_unknown_pooling_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RouterModelError, match=r"pooling 'max'.*mean, last"):
        EmbeddingSpec(pooling="max")
    # A hand-edited model.json: refused with its path and the retrain hint, never a traceback.
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in code_or_prose_records(30)), "utf-8")
    LearnedClassifier().fit(load_outcomes(path), "small", "big").save(tmp_path / "model")
    metadata = tmp_path / "model" / "model.json"
    document = json.loads(metadata.read_text("utf-8"))
    document["feature_spec"]["params"]["embedding"] = {"model": "gemma3-270m", "max_tokens": 128, "pooling": "max"}
    metadata.write_text(json.dumps(document), "utf-8")
    with pytest.raises(RouterModelError, match=r"model\.json: invalid feature_spec\.params\.embedding; retrain"):
        LearnedClassifier.load(tmp_path / "model")


def code_or_prose_records(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """Prose prompts the weak model answers well, code prompts it fails: a signal in the meaning of
    the prompt (no shared words between the two kinds' templates)."""
    rng = random.Random(seed)
    records = []
    for index in range(n):
        code = rng.random() < 0.5
        if code:
            prompt = rng.choice(
                ["Implement a function returning the {} prime.", "Write Python code that sorts {} integers.",
                 "Refactor this class so that {} methods share one cache."]
            ).format(rng.randint(2, 999))
        else:
            prompt = rng.choice(
                ["Say hello to {} friends.", "Greet the {} visitors politely.", "Wish {} people a good day."]
            ).format(rng.randint(2, 999))
        weak = 0.0 if code and rng.random() < 0.9 else 1.0
        records.append({"id": f"r{index}", "prompt": prompt, "outcomes": {
            "small": {"score": weak, "response": "Sure: done." if weak else "I am not sure."},
            "big": {"score": 1.0, "response": "Done."}}})
    return records


@pytest.mark.model
@pytest.mark.slow
def test_semantic_model_trains_saves_and_routes_in_both_modes(embedding_cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in code_or_prose_records(80)), "utf-8")
    rows = load_outcomes(path)
    spec = EmbeddingSpec(max_tokens=32)
    classifier = LearnedClassifier(spec).fit(rows, "small", "big", dataset_path=path)
    assert classifier.has_semantic_model and classifier.spec.params["embedding"] == spec.as_dict()
    classifier.save(tmp_path / "model")
    loaded = LearnedClassifier.load(tmp_path / "model")
    assert loaded.embedding == spec
    prompt = "Implement a function returning the 1234 prime."
    embedder = loaded.embedder
    before = embedder.computed
    fast = loaded.predict(prompt, mode="fast")
    assert embedder.computed == before  # fast never embeds
    semantic = loaded.predict(prompt)
    assert embedder.computed == before + 1
    assert semantic == pytest.approx(classifier.predict(prompt), abs=1e-9)
    assert fast == pytest.approx(classifier.predict(prompt, mode="fast"), abs=1e-9)
    # The router option: Step.features overrides router.features.
    adapter = LearnedAdapter(loaded, "fast")
    assert adapter.score(Step(prompt)) == pytest.approx(fast)
    assert adapter.score(Step(prompt, features="semantic")) == pytest.approx(semantic)

    report = evaluate_rows(rows, "small", "big", folds=4, seed=0, embedding=spec)
    prompt_rows = [name for name in report.metrics if "prompt" in name]
    assert "learned (prompt only, embedding)" in report.metrics and "learned (prompt only, fast)" in report.metrics
    assert all("prompt only" in name for name in prompt_rows)
    assert {LEARNED, LEARNED_ANSWER, LEARNED_PROMPT_ONLY} <= set(report.metrics)
    # The meaning separates the two kinds; the embedding alone beats random clearly.
    assert report.metrics["learned (prompt only, embedding)"].apgr > 0.6

    # Calibration with the saved semantic model, and tune with it as the router's classifier.
    result = calibrate(rows, path, 0.95, trained=loaded, holdout=0.3, seed=0)
    assert 0.0 <= result.choice.threshold <= 1.0
    base = parse_config(TWO_TIERS)
    evaluator = DatasetEvaluator(base, load_dataset(path), seed=0, classifier=adapter_for(loaded))
    tuned = tune(Space(base, search_threshold=True, search_tokens=False, search_models=False), evaluator,
                 floor=0.9, max_evals=8, seed=0)
    assert tuned.best is not None or tuned.tried_on_heldout


def adapter_for(model: LearnedClassifier) -> LearnedAdapter:
    return LearnedAdapter(model, "semantic")


@pytest.mark.model
@pytest.mark.slow
def test_cli_eval_with_embed_names_every_prompt_only_row(
    cli: Callable[..., Result], embedding_cache: Path, tmp_path: Path, isolated_home: Path
) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in code_or_prose_records(60, seed=1)), "utf-8")
    result = cli("router", "eval", "--data", str(path), "--folds", "3", "--embed", "gemma3-270m",
                 "--embed-tokens", "32")
    assert result.exit_code == 0, result.output
    assert "prompt embedding: gemma3-270m, first 32 tokens" in result.output
    for name in ("learned (prompt only, embedding)", "learned (prompt only, tf-idf)", "learned (fast)"):
        assert name in result.output
    bad = cli("router", "eval", "--data", str(path), "--embed", "no-such-model")
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1, bad.output
    assert "no-such-model" in bad.output
