"""How the untrained heuristic classifier ranks prompts on an outcome dataset.

Scores every prompt with ``HeuristicClassifier`` (send-to-strong score = 1 − p) and prints the
RouteLLM metrics (APGR, CPT(50%), CPT(80%)) next to the random and the perfect router's, using the
same metric code as ``agentrunner router eval``. The heuristic has never seen the data: this is
the prior the learned classifier has to beat.

    .venv/bin/python scripts/eval_heuristic.py [tests/fixtures/routing/gsm8k.jsonl] [--kind act]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agentrunner.router import HeuristicClassifier, Step
from agentrunner.router.metrics import baseline_metrics, router_metrics
from agentrunner.router.outcomes import load_outcomes, pick_weak_strong

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "routing" / "gsm8k.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--kind", default="act", help="step kind the prompts are scored as")
    parser.add_argument("--weak")
    parser.add_argument("--strong")
    args = parser.parse_args()

    rows = load_outcomes(args.data)
    weak, strong = pick_weak_strong(rows, args.weak, args.strong)
    weak_scores = [row.score(weak) for row in rows]
    strong_scores = [row.score(strong) for row in rows]
    classifier = HeuristicClassifier()
    send_to_strong = [1.0 - classifier.score(Step(row.prompt, kind=args.kind)) for row in rows]
    results = {"heuristic": router_metrics(weak_scores, strong_scores, send_to_strong)}
    results.update(baseline_metrics(weak_scores, strong_scores))
    print(f"{args.data.name}: {len(rows)} prompts, weak = {weak}, strong = {strong}")
    print(f"{'router':10} {'APGR':>7} {'CPT(50%)':>9} {'CPT(80%)':>9}")
    for name, metrics in results.items():
        print(f"{name:10} {metrics.apgr:7.3f} {metrics.cpt50:9.1%} {metrics.cpt80:9.1%}")


if __name__ == "__main__":
    main()
