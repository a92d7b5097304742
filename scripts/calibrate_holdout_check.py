"""How well does a threshold from `router calibrate` hold on prompts it was not picked on?

For each seed: half the rows train a classifier; the other half is scored and split again into a
calibration part (where `choose_threshold` picks the threshold, as `calibrate` does) and a check
part (where the threshold is applied). Prints, per score kind and --confidence, the relative
quality on the check part (mean, min, how often the floor held) and the strong-call share.

    .venv/bin/python scripts/calibrate_holdout_check.py --data tests/fixtures/routing/gsm8k.jsonl \
        --weak mixtral-8x7b-instruct-v0.1 --strong gpt-4-1106-preview
"""

from __future__ import annotations

import argparse

import numpy as np

from agentrunner.router.calibrate import choose_threshold, holdout_split
from agentrunner.router.learned import LearnedClassifier
from agentrunner.router.outcomes import load_outcomes, pick_weak_strong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--weak")
    parser.add_argument("--strong")
    parser.add_argument("--floor", type=float, default=0.95)
    parser.add_argument("--seeds", type=int, default=8)
    args = parser.parse_args()
    rows = load_outcomes(args.data)
    weak, strong = pick_weak_strong(rows, args.weak, args.strong)
    print(f"{len(rows)} rows, weak {weak}, strong {strong}, floor {args.floor:.0%}, {args.seeds} seeds")
    print(f"{'scores':<12}{'confidence':>11}{'check quality':>15}{'min':>8}{'floor held':>12}{'strong calls':>14}")
    for cascade in (False, True):
        for confidence in (None, 0.8):
            checks: list[tuple[float, float]] = []
            for seed in range(args.seeds):
                training, held = holdout_split(rows, weak, strong, 0.5, seed)
                classifier = LearnedClassifier().fit(training, weak, strong)
                answers = [row.response(weak) for row in held] if cascade else None
                p_ok = classifier.predict_many([row.prompt for row in held], answers)
                weak_scores = np.array([row.outcomes[weak].score for row in held])
                strong_scores = np.array([row.outcomes[strong].score for row in held])
                order = np.random.default_rng(seed).permutation(len(held))
                pick, check = order[: len(order) // 2], order[len(order) // 2 :]
                choice = choose_threshold(
                    p_ok[pick], weak_scores[pick], strong_scores[pick], args.floor, confidence=confidence, seed=seed
                )
                to_strong = p_ok[check] < choice.threshold
                quality = np.where(to_strong, strong_scores[check], weak_scores[check]).mean()
                checks.append((quality / strong_scores[check].mean(), to_strong.mean()))
            relative = np.array([quality for quality, _ in checks])
            share = np.array([share for _, share in checks])
            held_count = int((relative >= args.floor - 1e-12).sum())
            print(
                f"{'cascade' if cascade else 'prompt only':<12}{confidence or '-':>11}{relative.mean():>15.1%}"
                f"{relative.min():>8.1%}{f'{held_count}/{args.seeds}':>12}{share.mean():>14.1%}"
            )


if __name__ == "__main__":
    main()
