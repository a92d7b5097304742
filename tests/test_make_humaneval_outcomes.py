"""scripts/make_humaneval_outcomes.py without a model: loops are cut the same way live and after
the fact, a run resumes from the generations file (a line cut by a kill is generated again), and
the outcome file scores each answer by the problem's own tests in the sandbox."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from agentrunner.router.outcomes import load_outcomes
from agentrunner.sandbox import sandbox_status

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_humaneval_outcomes.py"
_spec = importlib.util.spec_from_file_location("make_humaneval_outcomes", SCRIPT)
assert _spec is not None and _spec.loader is not None
script = importlib.util.module_from_spec(_spec)
sys.modules["make_humaneval_outcomes"] = script
_spec.loader.exec_module(script)


def test_a_loop_is_cut_after_the_fourth_identical_line() -> None:
    looping = "    x = 1\n" + "    # TODO\n" * 9 + "    # TO"
    assert script.cut_loop(looping) == "    x = 1\n" + "    # TODO\n" * 4
    # Cutting a prefix gives the same text: what the live stop sees is what the cut keeps.
    for end in range(len(looping)):
        prefix = looping[:end]
        if script.loop_end(prefix) is not None:
            assert script.cut_loop(prefix) == script.cut_loop(looping)
    assert script.loop_end("    a\n    b\n    a\n    a\n    a\n") is None  # not in a row
    assert script.loop_end("\n\n\n\n\n") is None  # blank lines are not a loop
    assert script.cut_loop("    return 1\n") == "    return 1\n"


@pytest.mark.skipif(sandbox_status() is not None, reason="no sandbox here")
def test_outcomes_are_scored_by_the_problems_tests_and_resume_skips_answered_ones(tmp_path: Path) -> None:
    problems = script.read_problems()[:2]
    assert [p["task_id"] for p in problems] == ["HumanEval/0", "HumanEval/1"]
    out = tmp_path / "humaneval.jsonl"
    right = "    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n"
    weak_file = script.generations_path(out, script.MODELS["weak"])
    strong_file = script.generations_path(out, script.MODELS["strong"])
    weak_file.parent.mkdir(parents=True)

    def row(task: str, completion: str) -> str:
        return json.dumps({"task_id": task, "completion": completion, "input_tokens": 1, "output_tokens": 1,
                           "latency_ms": 1.0}) + "\n"

    weak_file.write_text(row("HumanEval/0", "    return True\n") + row("HumanEval/1", "    return []\n"))
    strong_file.write_text(row("HumanEval/0", right) + '{"task_id": "HumanEval/1", "compl')  # killed mid-line
    assert set(script.load_generations(strong_file)) == {"HumanEval/0"}  # HumanEval/1 is generated again
    assert script.write_outcomes(problems, out) == 1  # only rows both models answered
    [only] = load_outcomes(out)
    assert only.id == "humaneval/0" and only.prompt == problems[0]["prompt"]
    assert only.outcomes["gemma3-270m"].score == 0.0 and only.outcomes["qwen2.5-coder-1.5b"].score == 1.0
    assert only.outcomes["qwen2.5-coder-1.5b"].response == right
