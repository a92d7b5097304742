"""Benchmark: what the recipes buy on the embedded model, against the plain agent loop.

Runs tasks/example.md twice in this process, each time on a fresh copy of the example in a temporary
folder with its own ledger and state:

- baseline: recipes switched off, so every item takes the general path (plan if needed, then the
  tool loop with read_file/write_file/list_files and the same validators);
- recipes: as shipped (deterministic preparation, one constrained question, a tool applies it).

Prints items done, model calls, cost and wall time of each, and the ratios recipes/baseline.

    .venv/bin/python scripts/bench_recipes.py [--config routes.toml]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from agentrunner.config import load_config
from agentrunner.runner import Runner, RunOptions, RunSummary

REPO = Path(__file__).resolve().parent.parent


def run_copy(config_path: Path, *, recipes: bool) -> tuple[RunSummary, float]:
    with tempfile.TemporaryDirectory(prefix="bench-recipes-") as folder:
        work = Path(folder)
        shutil.copy(config_path, work / "routes.toml")
        (work / "tasks").mkdir()
        shutil.copy(REPO / "tasks" / "example.md", work / "tasks" / "example.md")
        shutil.copytree(REPO / "examples", work / "examples")
        os.environ["AGENTRUNNER_DIR"] = str(work / ".agentrunner")
        saved = list(recipes.RECIPES)
        if not recipes:
            recipes.RECIPES.clear()
        try:
            config = load_config(work / "routes.toml")
            started = time.perf_counter()
            summary = Runner(config, RunOptions(paths=[work / "tasks" / "example.md"], quiet=True)).run()
            return summary, time.perf_counter() - started
        finally:
            recipes.RECIPES[:] = saved
            os.environ.pop("AGENTRUNNER_DIR", None)


def warm_up(config_path: Path) -> None:
    """Load the local model once before timing, so neither run pays the load."""
    from agentrunner.providers import create_provider

    config = load_config(config_path)
    for name, tier in config.tiers.items():
        if tier.provider == "llama-cpp":
            create_provider(name, tier, config.base_dir)._model()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=REPO / "routes.toml")
    args = parser.parse_args()
    warm_up(args.config)
    rows = []
    for label, recipes in (("baseline (general loop)", False), ("recipes", True)):
        summary, wall = run_copy(args.config, recipes=recipes)
        calls = sum(summary.calls_by_tier.values())
        rows.append((label, summary.done, summary.selected, calls, summary.cost_usd, wall))
        print(
            f"{label:24} done {summary.done}/{summary.selected} · {calls} calls · ${summary.cost_usd:.6f} · {wall:.1f}s"
        )
        for item in summary.items:
            mark = "✓" if item["status"] == "done" else "✗"
            print(f"    {mark} {item['title'][:60]:60} {(item.get('error') or '')[:70]}")
    base, ours = rows
    print(
        f"recipes vs baseline: items done {ours[1]} vs {base[1]} of {ours[2]} · "
        f"ratios: calls {ours[3] / max(base[3], 1):.2f}× · "
        f"cost {ours[4] / base[4] if base[4] else float('nan'):.2f}× · wall {ours[5] / base[5]:.2f}×"
    )


if __name__ == "__main__":
    main()
