"""Budgets under concurrency: ``run --jobs 4 --max-cost CAP`` never records more spend than CAP.

The premium tier is an OpenAI-compatible server on loopback with a ``price`` in routes.toml, so
every call's cost is known: the server reports prompt tokens as the request's size / 4 (a
tokenizer's usual ratio, *not* the router's own estimate) and, adversarially, completion tokens
equal to the request's whole ``max_tokens``: each call costs what its reservation feared, or more.
Four items run at once, all reserving against the same cap.

CI runs 5 seeded runs; the slow variant runs 50 (``scripts/soak.sh`` more).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.chaos_server import ChaosServer
from tests.support.forkserver import ForkServer
from tests.support.project import Project, ledger_invariants

INPUT_PER_MTOK = 500.0  # each call ~$0.23: a dozen items reach every cap (the gateway clamps max_tokens to the tier's)
OUTPUT_PER_MTOK = 2500.0


def realistic_usage(request: dict[str, Any]) -> tuple[int, int]:
    size = len(json.dumps(request.get("messages", []))) + len(json.dumps(request.get("tools", [])))
    return size // 4 + 1, int(request.get("max_tokens") or request.get("max_completion_tokens") or 16)


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


def budget_run(tmp_path: Path, forks: ForkServer, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    cap = round(rng.uniform(0.3, 3.0), 4)
    items = rng.randint(6, 12)
    with ChaosServer(seed=seed, mix={"ok": 1}, usage=realistic_usage, ok_delay=rng.uniform(0.0, 0.1)) as server:
        project = Project(
            tmp_path / f"budget-{seed}",
            server,
            tier_options={"timeout": 10.0, "input_per_mtok": INPUT_PER_MTOK, "output_per_mtok": OUTPUT_PER_MTOK},
        )
        project.write_items([f"Write a short note about budget topic {n}" for n in range(items)])
        code, out, err = project.run(forks, "--jobs", "4", "--max-cost", str(cap), "--json")
        assert code in (0, 3), out + err
        assert "Traceback" not in err
        summary = json.loads(out.strip().splitlines()[-1])
        spent = project.spent(summary["run_id"])
        ledger_invariants(project, set())
        assert spent <= cap + 1e-9, f"seed {seed}: spent ${spent:.6f} over the cap ${cap}"
        calls = len(project.ledger_rows("status = 'ok'"))
        return {"seed": seed, "cap": cap, "spent": spent, "calls": calls, "exit": code, "items": items}


def test_spend_never_exceeds_the_run_cap_5_seeded_runs(tmp_path: Path, forks: ForkServer) -> None:
    results = [budget_run(tmp_path, forks, seed) for seed in range(5)]
    print(results)
    # The caps really bit: some runs stopped on the budget (exit 3) with spend close to the cap.
    assert any(result["exit"] == 3 for result in results), results
    assert max(result["spent"] / result["cap"] for result in results) > 0.8, results


@pytest.mark.slow
def test_spend_never_exceeds_the_run_cap_50_seeded_runs(tmp_path: Path, forks: ForkServer) -> None:
    runs = max(50, int(os.environ.get("AGENTRUNNER_SOAK_ITERATIONS", "50")) // 4)
    results = [budget_run(tmp_path, forks, 100 + seed) for seed in range(runs)]
    worst = max(result["spent"] / result["cap"] for result in results)
    stopped = sum(result["exit"] == 3 for result in results)
    print(f"SOAK budgets: {runs} runs, {stopped} stopped by the cap, highest spend/cap {worst:.3f}")
