"""``tune``: hill climbing with random restarts over the configuration space, cheapest configuration
whose quality stays at or above the floor, confirmed on a held-out split.

The space (:class:`Knobs`): router threshold, the tier each ``[[rules]]`` entry sends to, the tier
order (the escalation order, cheapest first), each tier's ``max_tokens`` and which configured model
serves each tier (among the models of the configuration's tiers with the same provider).

Evaluation:

- **ledger mode** — replay (:mod:`agentrunner.replay.engine`, response cache on) of the selected
  calls of the train split; quality is the mean score against the recorded answers, cost the
  configuration's cost of those answers. Threshold moves are steps of ±0.02/0.05/0.1/0.2.
  With ``--sample N --stop-when-decided`` a train evaluation replays the sample in interleaved order
  (every prefix stratified) and stops once the configuration's 95% interval lies entirely above or
  below the floor (:mod:`.sampling`); its quality is then the stratified estimate and its cost the
  prefix's cost per call times the split's calls. Held-out confirmation never stops early: a
  configuration is only reported as passing on its whole held-out split.
- **dataset mode** (``--dataset``) — :mod:`agentrunner.replay.outcome_eval`; the classifier scores every
  prompt once per structural configuration, and the threshold is set by an exact sweep (the
  cheapest threshold whose train quality meets the floor) instead of steps. ``max_tokens`` and the
  model choice are not searched (a dataset has one answer per model).

Splits are deterministic: a call or prompt is held out when ``sha256(seed:id)`` falls in the
held-out fraction (30% by default). The search sees only the train split. The best few train
configurations (in dataset mode: the best one with growing safety margins) are then evaluated on the
held-out split, cheapest first, and the first that meets the floor there is the result; if none
does, tune says so and writes nothing: a configuration that misses the floor on held-out is never
reported as passing.

The written routes.toml is the base file edited with tomlkit (comments and layout survive) with a
comment block of the measured cost and quality on both splits at its top.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomlkit

from ..atomic import atomic_write
from ..config import Config, TierConfig, parse_config
from ..errors import UsageError
from ..router import Classifier
from ..router.outcomes import OutcomeRow
from .compare import ConfigTotals
from .engine import Candidate
from .outcome_eval import (
    COST_USD,
    OfflineCosts,
    RoutedPrompt,
    baseline_tiers,
    evaluate_tiers,
    map_tiers,
    route_prompts,
    tier_costs,
)
from .parallel import replay_in_order
from .sampling import StratifiedScores, check_every
from .select import iter_selected, stratum_columns, stratum_of, stratum_sizes

THRESHOLD_STEPS = (0.02, 0.05, 0.1, 0.2)
MAX_TOKENS_FACTORS = (0.5, 2.0)
MAX_TOKENS_RANGE = (16, 32768)
HELDOUT_FRACTION = 0.3
CONFIRM_CANDIDATES = 5
SAFETY_MARGINS = (0.0, 0.005, 0.01, 0.02, 0.03)


@dataclass(frozen=True)
class Knobs:
    """One point of the configuration space."""

    threshold: float
    order: tuple[str, ...]
    rule_tiers: tuple[str, ...] = ()
    max_tokens: tuple[tuple[str, int], ...] = ()
    models: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, config: Config) -> Knobs:
        return cls(
            threshold=round(config.router.threshold, 4),
            order=tuple(config.tier_names),
            rule_tiers=tuple(rule.tier for rule in config.rules),
            max_tokens=tuple((name, tier.max_tokens) for name, tier in config.tiers.items()),
            models=tuple((name, tier.model) for name, tier in config.tiers.items()),
        )

    def structure(self) -> tuple[Any, ...]:
        """Everything but the threshold (what the classifier scores depend on)."""
        return (self.order, self.rule_tiers, self.max_tokens, self.models)

    def describe(self, base: Knobs) -> list[str]:
        changes = []
        if self.threshold != base.threshold:
            changes.append(f"router.threshold {base.threshold:g} → {self.threshold:g}")
        if self.order != base.order:
            changes.append(f"tier order {' → '.join(base.order)}  ⇒  {' → '.join(self.order)}")
        for index, (old, new) in enumerate(zip(base.rule_tiers, self.rule_tiers, strict=True)):
            if old != new:
                changes.append(f"rules[{index}].tier {old} → {new}")
        for (tier, old_tokens), (_, new_tokens) in zip(base.max_tokens, self.max_tokens, strict=True):
            if old_tokens != new_tokens:
                changes.append(f"tiers.{tier}.max_tokens {old_tokens} → {new_tokens}")
        for (tier, old_model), (_, new_model) in zip(base.models, self.models, strict=True):
            if old_model != new_model:
                changes.append(f"tiers.{tier}.model {old_model} → {new_model}")
        return changes or ["no change"]


def apply_knobs(base: Config, knobs: Knobs) -> Config:
    """A copy of ``base`` with ``knobs`` applied."""
    config = base.model_copy(deep=True)
    config.router.threshold = knobs.threshold
    for rule, rule_tier in zip(config.rules, knobs.rule_tiers, strict=True):
        rule.tier = rule_tier
    max_tokens = dict(knobs.max_tokens)
    models = dict(knobs.models)
    tiers: dict[str, TierConfig] = {}
    for name in knobs.order:
        tier = config.tiers[name]
        if name in max_tokens:
            tier.max_tokens = max_tokens[name]
        if name in models:
            tier.model = models[name]
        tiers[name] = tier
    config.tiers = tiers
    return config


class Space:
    """Neighbours and random points around a base configuration."""

    def __init__(self, base: Config, *, search_threshold: bool = True, search_tokens: bool = True,
                 search_models: bool = True) -> None:
        self.base = base
        self.start = Knobs.of(base)
        self.search_threshold = search_threshold
        self.search_tokens = search_tokens
        self.tiers = list(base.tier_names)
        # A tier may be served by the model of another tier of the same provider.
        self.model_choices: dict[str, list[str]] = {
            name: sorted({t.model for t in base.tiers.values() if t.provider == tier.provider})
            for name, tier in base.tiers.items()
        } if search_models else {}

    def neighbours(self, knobs: Knobs) -> list[Knobs]:
        found: list[Knobs] = []
        if self.search_threshold:
            for step in THRESHOLD_STEPS:
                for sign in (-1, 1):
                    value = round(min(max(knobs.threshold + sign * step, 0.0), 1.0), 4)
                    if value != knobs.threshold:
                        found.append(replace(knobs, threshold=value))
        order = list(knobs.order)
        for i in range(len(order) - 1):
            swapped = order.copy()
            swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
            found.append(replace(knobs, order=tuple(swapped)))
        for index, current in enumerate(knobs.rule_tiers):
            for tier in self.tiers:
                if tier != current:
                    tiers = list(knobs.rule_tiers)
                    tiers[index] = tier
                    found.append(replace(knobs, rule_tiers=tuple(tiers)))
        if self.search_tokens:
            for index, (tier, value) in enumerate(knobs.max_tokens):
                for factor in MAX_TOKENS_FACTORS:
                    new = int(min(max(value * factor, MAX_TOKENS_RANGE[0]), MAX_TOKENS_RANGE[1]))
                    if new != value:
                        entries = list(knobs.max_tokens)
                        entries[index] = (tier, new)
                        found.append(replace(knobs, max_tokens=tuple(entries)))
        for index, (tier, model) in enumerate(knobs.models):
            for other in self.model_choices.get(tier, []):
                if other != model:
                    model_entries = list(knobs.models)
                    model_entries[index] = (tier, other)
                    found.append(replace(knobs, models=tuple(model_entries)))
        return list(dict.fromkeys(found))

    def random(self, rng: random.Random) -> Knobs:
        knobs = self.start
        if self.search_threshold:
            knobs = replace(knobs, threshold=round(rng.random(), 2))
        order = list(knobs.order)
        if rng.random() < 0.25:
            rng.shuffle(order)
        rule_tiers = tuple(rng.choice(self.tiers) if rng.random() < 0.5 else t for t in knobs.rule_tiers)
        return replace(knobs, order=tuple(order), rule_tiers=rule_tiers)


@dataclass
class Measured:
    """A configuration's cost and quality on one split."""

    cost: float
    quality: float
    n: int
    by_tier: dict[str, int] = field(default_factory=dict)

    def feasible(self, floor: float) -> bool:
        return self.quality >= floor - 1e-12

    def as_dict(self) -> dict[str, Any]:
        return {"cost": round(self.cost, 8), "quality": round(self.quality, 4), "n": self.n, "by_tier": self.by_tier}


class Evaluator:
    """How a point is measured on a split ("train" or "heldout")."""

    unit: str = COST_USD
    snaps_threshold: bool = False

    def measure(self, knobs: Knobs, split: str) -> Measured:  # pragma: no cover - interface
        raise NotImplementedError

    def baseline(self, split: str) -> Measured:  # pragma: no cover - interface
        raise NotImplementedError

    def snap(self, knobs: Knobs, floor: float, margin: float = 0.0) -> Knobs:
        return knobs


def in_heldout(item_id: str, seed: int, fraction: float = HELDOUT_FRACTION) -> bool:
    digest = hashlib.sha256(f"{seed}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


class DatasetEvaluator(Evaluator):
    """Offline evaluation on an outcome dataset (no model calls)."""

    snaps_threshold = True

    def __init__(
        self,
        base: Config,
        rows: Sequence[OutcomeRow],
        *,
        explicit_models: dict[str, str] | None = None,
        seed: int = 0,
        classifier: Classifier | None = None,
        heldout_fraction: float = HELDOUT_FRACTION,
    ) -> None:
        self.base = base
        self.rows = rows
        self.classifier = classifier
        self.mapping = map_tiers(base, rows, explicit_models)
        self.costs: OfflineCosts = tier_costs(base, rows, self.mapping)
        self.unit = self.costs.unit
        strong = self.mapping[base.premium_tier]
        self.baseline_scores = [row.outcomes[strong].score for row in rows]
        self.splits = {"train": [], "heldout": []}  # type: dict[str, list[int]]
        for index, row in enumerate(rows):
            self.splits["heldout" if in_heldout(row.id, seed, heldout_fraction) else "train"].append(index)
        if not self.splits["train"] or not self.splits["heldout"]:
            raise UsageError(f"the dataset has too few prompts ({len(rows)}) for a train and a held-out split")
        self._routed: dict[tuple[Any, ...], list[RoutedPrompt]] = {}

    def routed(self, knobs: Knobs) -> list[RoutedPrompt]:
        key = knobs.structure()
        if key not in self._routed:
            config = apply_knobs(self.base, knobs)
            self._routed[key] = route_prompts(config, self.rows, self.mapping, classifier=self.classifier)
        return self._routed[key]

    def measure(self, knobs: Knobs, split: str) -> Measured:
        routed = self.routed(knobs)
        tiers = [prompt.tier(knobs.threshold) for prompt in routed]
        result = evaluate_tiers("tune", tiers, self.costs, self.baseline_scores, 0.0,
                                self.splits[split])
        return Measured(result.cost, result.quality, result.n, result.by_tier)

    def baseline(self, split: str) -> Measured:
        tiers = baseline_tiers(self.base, len(self.rows))
        result = evaluate_tiers("baseline", tiers, self.costs, self.baseline_scores, 0.0, self.splits[split])
        return Measured(result.cost, result.quality, result.n, result.by_tier)

    def snap(self, knobs: Knobs, floor: float, margin: float = 0.0) -> Knobs:
        """The cheapest threshold whose train quality meets ``floor + margin`` (exact sweep)."""
        routed = self.routed(knobs)
        scores = sorted({p.score for p in routed if p.score is not None})
        if len(scores) > 400:  # quantiles are plenty; keeps a sweep well under a second
            scores = [scores[round(i * (len(scores) - 1) / 399)] for i in range(400)]
        candidates = sorted({0.0, 1.0, *(round(s, 6) for s in scores if 0.0 <= s <= 1.0)})
        best: tuple[float, float, float] | None = None  # (cost, -quality, threshold)
        fallback: tuple[float, float, float] | None = None  # best quality if none is feasible
        for threshold in candidates:
            measured = self.measure(replace(knobs, threshold=threshold), "train")
            key = (measured.cost, -measured.quality, threshold)
            if measured.quality >= floor + margin - 1e-12:
                if best is None or key < best:
                    best = key
            elif fallback is None or (-measured.quality, measured.cost) < (fallback[1], fallback[0]):
                fallback = key
        chosen = best or fallback
        assert chosen is not None
        return replace(knobs, threshold=chosen[2])


@dataclass
class Evaluation:
    knobs: Knobs
    train: Measured


@dataclass
class TuneResult:
    base: Knobs
    best: Knobs | None
    train: Measured | None
    heldout: Measured | None
    passed: bool
    floor: float
    evaluations: int
    unit: str
    baseline_train: Measured
    baseline_heldout: Measured
    base_train: Measured
    base_heldout: Measured
    tried_on_heldout: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "floor": self.floor,
            "evaluations": self.evaluations,
            "cost_unit": self.unit,
            "changes": self.best.describe(self.base) if self.best else [],
            "threshold": self.best.threshold if self.best else None,
            "train": self.train.as_dict() if self.train else None,
            "heldout": self.heldout.as_dict() if self.heldout else None,
            "baseline": {"train": self.baseline_train.as_dict(), "heldout": self.baseline_heldout.as_dict()},
            "current": {"train": self.base_train.as_dict(), "heldout": self.base_heldout.as_dict()},
            "tried_on_heldout": self.tried_on_heldout,
        }


def _rank(measured: Measured, floor: float, changes: int = 0) -> tuple[int, float, float, int]:
    """Lower is better: feasible first, then cheaper, then higher quality, then fewer changes from
    the base configuration (of two equally good configurations, the smaller edit); infeasible ones
    by their shortfall."""
    cost = round(measured.cost, 12)
    if measured.feasible(floor):
        return (0, cost, -round(measured.quality, 12), changes)
    return (1, round(floor - measured.quality, 12), cost, changes)


def _changes(knobs: Knobs, base: Knobs) -> int:
    return sum(
        (
            knobs.threshold != base.threshold,
            knobs.order != base.order,
            sum(a != b for a, b in zip(knobs.rule_tiers, base.rule_tiers, strict=True)),
            sum(a != b for a, b in zip(knobs.max_tokens, base.max_tokens, strict=True)),
            sum(a != b for a, b in zip(knobs.models, base.models, strict=True)),
        )
    )


def hill_climb(
    space: Space,
    evaluator: Evaluator,
    *,
    floor: float,
    max_evals: int = 60,
    restarts: int = 3,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[Evaluation]:
    """First-improvement hill climbing from the base point and ``restarts`` random points.

    Returns every distinct point evaluated on the train split, best first."""
    rng = random.Random(seed)
    seen: dict[Knobs, Measured] = {}

    def measure(knobs: Knobs) -> tuple[Knobs, Measured]:
        if evaluator.snaps_threshold:
            knobs = evaluator.snap(knobs, floor)
        if knobs not in seen:
            seen[knobs] = evaluator.measure(knobs, "train")
            if progress is not None:
                progress(len(seen))
        return knobs, seen[knobs]

    def rank(knobs: Knobs, value: Measured) -> tuple[int, float, float, int]:
        return _rank(value, floor, _changes(knobs, space.start))

    starts = [space.start] + [space.random(rng) for _ in range(restarts)]
    for start in starts:
        if len(seen) >= max_evals:
            break
        current, current_value = measure(start)
        improved = True
        while improved and len(seen) < max_evals:
            improved = False
            neighbours = space.neighbours(current)
            rng.shuffle(neighbours)
            for candidate in neighbours:
                if len(seen) >= max_evals:
                    break
                candidate, value = measure(candidate)
                if rank(candidate, value) < rank(current, current_value):
                    current, current_value = candidate, value
                    improved = True
                    break
    ranked = sorted(seen.items(), key=lambda item: rank(*item))
    return [Evaluation(knobs, value) for knobs, value in ranked]


def tune(
    space: Space,
    evaluator: Evaluator,
    *,
    floor: float = 0.95,
    max_evals: int = 60,
    restarts: int = 3,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> TuneResult:
    """Search on train, confirm on held-out (see the module doc)."""
    if not 0.0 < floor <= 1.0:
        raise UsageError(f"--quality-floor must be in (0, 1], got {floor}")
    if max_evals < 1:
        raise UsageError(f"--max-evals must be at least 1, got {max_evals}")
    ranked = hill_climb(space, evaluator, floor=floor, max_evals=max_evals, restarts=restarts, seed=seed,
                        progress=progress)
    feasible = [e for e in ranked if e.train.feasible(floor)]
    to_confirm: list[Evaluation] = []
    if feasible and evaluator.snaps_threshold:
        best = feasible[0].knobs
        for margin in SAFETY_MARGINS:
            snapped = evaluator.snap(best, floor, margin)
            measured = evaluator.measure(snapped, "train")
            if measured.feasible(floor + margin) and all(e.knobs != snapped for e in to_confirm):
                to_confirm.append(Evaluation(snapped, measured))
    else:
        to_confirm = feasible[:CONFIRM_CANDIDATES]
    tried: list[dict[str, Any]] = []
    chosen: Evaluation | None = None
    chosen_heldout: Measured | None = None
    for evaluation in to_confirm[:CONFIRM_CANDIDATES]:
        heldout = evaluator.measure(evaluation.knobs, "heldout")
        tried.append(
            {
                "changes": evaluation.knobs.describe(space.start),
                "train": evaluation.train.as_dict(),
                "heldout": heldout.as_dict(),
                "passed": heldout.feasible(floor),
            }
        )
        if heldout.feasible(floor):
            chosen, chosen_heldout = evaluation, heldout
            break
    return TuneResult(
        base=space.start,
        best=chosen.knobs if chosen else None,
        train=chosen.train if chosen else None,
        heldout=chosen_heldout,
        passed=chosen is not None,
        floor=floor,
        evaluations=len(ranked),
        unit=evaluator.unit,
        baseline_train=evaluator.baseline("train"),
        baseline_heldout=evaluator.baseline("heldout"),
        base_train=evaluator.measure(space.start, "train"),
        base_heldout=evaluator.measure(space.start, "heldout"),
        tried_on_heldout=tried,
    )


# -- writing the tuned routes.toml ----------------------------------------------------------------


def _pct(value: float, baseline: float) -> str:
    return f"{(value - baseline) / baseline * 100:+.1f}% vs baseline" if baseline > 0 else "n/a vs baseline"


def _cost_text(value: float, unit: str) -> str:
    return f"${value:.6f}" if unit == COST_USD else f"{value:.3f} strong-call share"


def comment_block(result: TuneResult, *, source: str, extra: Sequence[str] = ()) -> list[str]:
    assert result.best is not None and result.train is not None and result.heldout is not None
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Tuned by `agentrunner tune` on {now} from {source}: {result.evaluations} configurations evaluated.",
        f"Quality floor {result.floor:g} (mean quality vs baseline); cost unit: "
        f"{'USD' if result.unit == COST_USD else 'share of calls above the cheapest tier'}.",
        f"  train    ({result.train.n} calls): cost {_cost_text(result.train.cost, result.unit)} "
        f"({_pct(result.train.cost, result.baseline_train.cost)}), quality {result.train.quality:.3f}",
        f"  held-out ({result.heldout.n} calls): cost {_cost_text(result.heldout.cost, result.unit)} "
        f"({_pct(result.heldout.cost, result.baseline_heldout.cost)}), quality {result.heldout.quality:.3f}"
        f" — {'PASS' if result.passed else 'FAIL'}",
        f"  before tuning, held-out: cost {_cost_text(result.base_heldout.cost, result.unit)}, "
        f"quality {result.base_heldout.quality:.3f}",
        "Changes: " + "; ".join(result.best.describe(result.base)),
        *extra,
    ]
    return lines


def render_tuned(base: Config, knobs: Knobs, comments: Sequence[str]) -> str:
    """The base routes.toml text with ``knobs`` applied (tomlkit: comments survive)."""
    start = Knobs.of(base)
    doc = tomlkit.parse(base.source_text) if base.source_text else tomlkit.document()
    if base.source_text == "":
        doc.update(tomlkit.parse(tomlkit.dumps(base.model_dump(mode="json", exclude_none=True))))
    if knobs.threshold != start.threshold:
        if "router" not in doc:
            doc["router"] = tomlkit.table()
        doc["router"]["threshold"] = knobs.threshold
    if knobs.rule_tiers != start.rule_tiers:
        for rule, tier in zip(doc["rules"], knobs.rule_tiers, strict=True):
            rule["tier"] = tier
    tiers = doc["tiers"]
    for (name, value), (_, old) in zip(knobs.max_tokens, start.max_tokens, strict=True):
        if value != old:
            tiers[name]["max_tokens"] = value
    for (name, model), (_, old_model) in zip(knobs.models, start.models, strict=True):
        if model != old_model:
            tiers[name]["model"] = model
    if knobs.order != start.order:
        # The order of the [tiers.*] tables is the escalation order: rebuild them in the new order.
        tables = {name: tiers[name] for name in knobs.order}
        rebuilt = tomlkit.table(is_super_table=True)
        for name, table in tables.items():
            rebuilt.append(name, table)
        doc["tiers"] = rebuilt
    header = "\n".join(f"# {line}".rstrip() for line in comments)
    return f"{header}\n\n{tomlkit.dumps(doc)}"


def write_tuned(base: Config, knobs: Knobs, path: Path, comments: Sequence[str]) -> str:
    """Write the tuned configuration atomically, after checking that it loads."""
    text = render_tuned(base, knobs, comments)
    parse_config(text, file=str(path))  # never write a file agentrunner would refuse to read
    atomic_write(path, text)
    return text


class LedgerEvaluator(Evaluator):
    """Evaluation by replay of the selected ledger calls (response cache on: each distinct
    request+model is paid for once across the whole search)."""

    def __init__(
        self,
        ledger: Any,
        base: Config,
        selection: Any,
        make_engine: Callable[[list[Any]], Any],
        *,
        seed: int = 0,
        heldout_fraction: float = HELDOUT_FRACTION,
        stop_when_decided: bool = False,
        floor: float = 0.95,
    ) -> None:
        self.ledger = ledger
        self.base = base
        self.selection = selection
        self.make_engine = make_engine
        self.seed = seed
        self.fraction = heldout_fraction
        self._memo: dict[tuple[Knobs, str], Measured] = {}
        counts = {"train": 0, "heldout": 0}
        for row in iter_selected(ledger, selection):
            counts[self.split_of(row["id"])] += 1
        if not counts["train"] or not counts["heldout"]:
            raise UsageError(
                f"too few replayable calls ({sum(counts.values())}) for a train and a held-out split; "
                "widen the selection"
            )
        self.counts = counts
        if stop_when_decided and selection.sample is None:
            raise UsageError("--stop-when-decided needs --sample N (the most calls to replay)")
        self.stop_when_decided = stop_when_decided
        self.floor = floor
        # The population the sample stands for (stratum weights) and what a stratum is: read once.
        self._sizes = stratum_sizes(ledger, selection) if stop_when_decided else {}
        self._columns = stratum_columns(ledger) if stop_when_decided else ()
        self.train_evaluations = 0
        self.decided_early: list[dict[str, Any]] = []  # train evaluations stopped before the split's end

    def split_of(self, call_id: str) -> str:
        return "heldout" if in_heldout(call_id, self.seed, self.fraction) else "train"

    def _rows(self, split: str) -> Any:
        return (row for row in iter_selected(self.ledger, self.selection) if self.split_of(row["id"]) == split)

    def measure(self, knobs: Knobs, split: str) -> Measured:
        key = (knobs, split)
        if key in self._memo:
            return self._memo[key]
        config = apply_knobs(self.base, knobs)
        name = "tune:" + hashlib.sha256(repr(knobs).encode()).hexdigest()[:8]
        engine = self.make_engine([Candidate(name, config)])
        totals = ConfigTotals(name)
        # Only the search's (train) evaluations may stop early; held-out decides passing, in full.
        stats = StratifiedScores(self._sizes, seed=self.selection.seed) if (
            self.stop_when_decided and split == "train") else None
        every = check_every(self.counts[split])
        decided: str | None = None
        replayed = replay_in_order(engine, self._rows(split))
        try:
            for row, (result,) in replayed:
                totals.add(tier=result.tier, cost_usd=result.cost_usd, latency_ms=result.latency_ms,
                           score=result.score, floor=0.0, task_id=None, error=result.error is not None)
                if stats is None:
                    continue
                stats.add(name, stratum_of(row, self._columns), result.score)
                if totals.calls % every == 0 and totals.calls < self.counts[split]:
                    interval = stats.interval(name, self.floor)
                    if interval.verdict != "undecided":
                        decided = interval.verdict
                        break
        finally:
            replayed.close()  # stopped early: calls not yet started are cancelled
            engine.close()
        by_tier = dict(sorted((t, n) for t, n in totals.by_tier.items() if n))
        if split == "train":
            self.train_evaluations += 1
        if stats is not None and decided is not None:
            interval = stats.interval(name, self.floor)
            # The prefix is a stratified random part of the split: its cost per call stands for all of it.
            cost = totals.cost_usd / totals.calls * self.counts[split]
            measured = Measured(cost, interval.quality, totals.calls, by_tier)
            self.decided_early.append({"changes": knobs.describe(Knobs.of(self.base)), "calls": totals.calls,
                                       "of": self.counts[split], "verdict": decided,
                                       "interval": [round(interval.low, 4), round(interval.high, 4)]})
        else:
            measured = Measured(totals.cost_usd, totals.quality_sum / max(totals.calls, 1), totals.calls, by_tier)
        self._memo[key] = measured
        return measured

    def early_summary(self) -> dict[str, Any]:
        """What ``--stop-when-decided`` saved: train evaluations stopped early, calls they replayed."""
        return {
            "train_evaluations": self.train_evaluations,
            "stopped_early": len(self.decided_early),
            "train_calls": self.counts["train"],
            "evaluations": self.decided_early,
        }

    def baseline(self, split: str) -> Measured:
        cost, n = 0.0, 0
        by_tier: dict[str, int] = {}
        for row in self._rows(split):
            cost += row.get("cost_usd") or 0.0
            n += 1
            tier = row.get("tier") or "-"
            by_tier[tier] = by_tier.get(tier, 0) + 1
        return Measured(cost, 1.0, n, by_tier)
