"""Offline evaluation on an outcome dataset: configurations compared without calling any model.

An outcome dataset (``tests/fixtures/routing/README.md``, docs/routing.md) has, per prompt, each model's score and
optionally its tokens, cost and latency. Each tier of a configuration stands for one model of the
dataset (``--tier-model TIER=MODEL``, or by order: the configuration's tiers cheapest first are
matched to the dataset's models weakest first — cheapest first when every outcome has a cost,
lowest mean score first otherwise).

Routing is the configuration's own :class:`~agentrunner.router.Router` (rules, hints, capability
limits and its classifier — heuristic or learned — with the weak model's answer as the cascade's
``cheap_answer``), with every tier available and no budget reservations. The classifier scores each
prompt once; a threshold then picks the tier exactly as the router does (``classifier_band``), so a
threshold sweep costs no further classifier work.

Cost of an answer, in this order: its tokens × the tier's price (``price`` in routes.toml, else
genai-prices for the dataset's model name; local tiers: latency × cost_per_hour); the outcome's
``cost_usd``; and when neither is known for every prompt and tier, the cost unit becomes the
**strong-call share** (the share of prompts sent to another model than the cheapest tier's), RouteLLM's
convention. The baseline is every prompt on the strongest model; quality is the mean score
divided by the baseline's mean score (so 0.95 = "95% of the strong model's quality").
"""

from __future__ import annotations

import statistics
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..chat import Usage
from ..config import Config, TierConfig
from ..errors import UsageError
from ..ledger import Ledger
from ..pricing import cost_per_hour, price_tokens
from ..providers.base import Availability
from ..router import Classifier, RouteContext, Router, Step
from ..router.outcomes import ModelOutcome, OutcomeRow, load_outcomes, mean_score
from ..router.router import classifier_band

COST_USD = "usd"
COST_SHARE = "strong-share"


def load_dataset(path: Path) -> list[OutcomeRow]:
    """The outcome dataset's rows (a malformed file raises OutcomeDataError, a UsageError)."""
    return load_outcomes(path)


def parse_tier_models(values: Sequence[str]) -> dict[str, str]:
    """``["local=mixtral", "premium=gpt-4"]`` → ``{"local": "mixtral", "premium": "gpt-4"}``."""
    mapping: dict[str, str] = {}
    for value in values:
        tier, sep, model = value.partition("=")
        if not sep or not tier.strip() or not model.strip():
            raise UsageError(f"--tier-model {value!r}: expected TIER=MODEL, e.g. local=mixtral-8x7b-instruct-v0.1")
        mapping[tier.strip()] = model.strip()
    return mapping


def models_weak_to_strong(rows: Sequence[OutcomeRow]) -> list[str]:
    """Models with an outcome on every row, weakest (or cheapest, when all are costed) first."""
    counts: Counter[str] = Counter(model for row in rows for model in row.outcomes)
    complete = [model for model, count in counts.items() if count == len(rows)]
    costs = {
        model: [row.outcomes[model].cost_usd for row in rows] for model in complete
    }
    if complete and all(all(c is not None for c in values) for values in costs.values()):
        return sorted(complete, key=lambda m: (sum(c or 0.0 for c in costs[m]), m))
    return sorted(complete, key=lambda m: (mean_score(rows, m), m))


def map_tiers(config: Config, rows: Sequence[OutcomeRow], explicit: dict[str, str] | None = None) -> dict[str, str]:
    """Which dataset model each tier of ``config`` stands for."""
    explicit = dict(explicit or {})
    known = set().union(*(row.outcomes.keys() for row in rows))
    for tier, model in explicit.items():
        if tier not in config.tiers:
            raise UsageError(f"--tier-model {tier}={model}: no tier {tier!r} (tiers: {', '.join(config.tiers)})")
        if model not in known:
            models = ", ".join(sorted(known))
            raise UsageError(f"--tier-model {tier}={model}: no model {model!r} in the dataset ({models})")
    ordered = [m for m in models_weak_to_strong(rows) if m not in explicit.values()]
    missing = [tier for tier in config.tier_names if tier not in explicit]
    if len(missing) > len(ordered):
        raise UsageError(
            f"the configuration has {len(config.tiers)} tiers but the dataset has only "
            f"{len(ordered) + len(explicit)} model(s) with an outcome on every prompt; "
            "map them with --tier-model TIER=MODEL"
        )
    # Spread the unmapped tiers over the remaining models, keeping order (cheapest tier → weakest).
    mapping = dict(explicit)
    if missing:
        if len(missing) == 1:
            picks = [ordered[-1]] if explicit else [ordered[0]]
        else:
            step = (len(ordered) - 1) / (len(missing) - 1)
            picks = [ordered[round(i * step)] for i in range(len(missing))]
        mapping.update(zip(missing, picks, strict=True))
    return {tier: mapping[tier] for tier in config.tier_names}


def outcome_cost(tier: TierConfig, model: str, outcome: ModelOutcome) -> float | None:
    """The USD cost of one outcome on a tier (see the module doc for the order), or None."""
    hourly = cost_per_hour(tier)
    if hourly is not None:
        if outcome.latency_ms is not None:
            return outcome.latency_ms / 3_600_000 * hourly
        return outcome.cost_usd
    if outcome.input_tokens is not None or outcome.output_tokens is not None:
        usage = Usage(input_tokens=outcome.input_tokens or 0, output_tokens=outcome.output_tokens or 0)
        priced = price_tokens(model, usage, price=tier.price)
        if priced.usd is None and model != tier.model:
            priced = price_tokens(tier.model, usage, provider=tier.provider, price=tier.price, base_url=tier.base_url)
        if priced.usd is not None:
            return priced.usd
    return outcome.cost_usd


@dataclass
class RoutedPrompt:
    """How the router sees one prompt: a forced tier, or the capable tiers and a classifier score."""

    forced: str | None
    capable: tuple[str, ...]
    score: float | None

    def tier(self, threshold: float) -> str:
        if self.forced is not None:
            return self.forced
        assert self.score is not None
        return self.capable[classifier_band(self.score, threshold, len(self.capable))]


def _offline_config(config: Config) -> Config:
    """The configuration with budgets off (offline evaluation reserves and spends nothing)."""
    data = config.model_copy(deep=True)
    data.budgets = type(config.budgets)()
    return data


def route_prompts(
    config: Config,
    rows: Sequence[OutcomeRow],
    mapping: dict[str, str],
    *,
    classifier: Classifier | None = None,
    kind: str = "act",
) -> list[RoutedPrompt]:
    """Score every prompt once with the configuration's router."""
    offline = _offline_config(config)
    cheapest_model = mapping[offline.tier_names[0]]
    with tempfile.TemporaryDirectory(prefix="agentrunner-offline-") as scratch:
        # The router reads budgets from a ledger; offline it gets an empty scratch one.
        ledger = Ledger(Path(scratch) / "ledger.db")
        try:
            router = Router(offline, ledger, lambda _tier: Availability(True), classifier=classifier)
            routed: list[RoutedPrompt] = []
            for row in rows:
                step = Step(instruction=row.prompt, kind=kind, cheap_answer=row.response(cheapest_model))
                decision = router.choose(step, RouteContext(), reserve=False)
                capable = tuple(
                    s.tier for s in decision.stages if s.stage == "capability" and s.verdict == "ok" and s.tier
                )
                if decision.score is None:
                    routed.append(RoutedPrompt(decision.tier, capable, None))
                else:
                    routed.append(RoutedPrompt(None, capable, decision.score))
        finally:
            ledger.close()
    return routed


@dataclass
class OfflineCosts:
    """Per prompt and tier: score and cost (cost unit decided once for the whole dataset)."""

    unit: str
    scores: dict[str, list[float]]
    costs: dict[str, list[float]]
    latencies: dict[str, list[float | None]]


def tier_costs(config: Config, rows: Sequence[OutcomeRow], mapping: dict[str, str]) -> OfflineCosts:
    names = config.tier_names
    scores = {t: [row.outcomes[mapping[t]].score for row in rows] for t in names}
    latencies = {t: [row.outcomes[mapping[t]].latency_ms for row in rows] for t in names}
    usd = {t: [outcome_cost(config.tiers[t], mapping[t], row.outcomes[mapping[t]]) for row in rows] for t in names}
    if all(c is not None for values in usd.values() for c in values):
        costs = {t: [float(c or 0.0) for c in usd[t]] for t in names}
        return OfflineCosts(COST_USD, scores, costs, latencies)
    # Strong-call share: a call counts when its tier stands for another model than the cheapest's.
    weak = mapping[names[0]]
    costs = {t: [0.0 if mapping[t] == weak else 1.0 for _ in rows] for t in names}
    return OfflineCosts(COST_SHARE, scores, costs, latencies)


@dataclass
class OfflineResult:
    name: str
    n: int
    by_tier: dict[str, int]
    cost: float
    mean_score: float
    quality: float
    at_floor: float
    p50_latency_ms: float | None
    tiers: list[str]

    def row(self, baseline_cost: float, floor: float, unit: str) -> dict[str, Any]:
        vs = (self.cost - baseline_cost) / baseline_cost * 100 if baseline_cost > 0 else None
        per_unit = self.at_floor * self.n / self.cost if self.cost > 0 else None
        return {
            "config": self.name,
            "calls": self.n,
            "by_tier": self.by_tier,
            "errors": 0,
            "cost_usd": round(self.cost, 8) if unit == COST_USD else None,
            "cost": round(self.cost, 8),
            "cost_unit": unit,
            "unpriced": 0,
            "cost_vs_baseline_pct": None if vs is None else round(vs, 2),
            "mean_score": round(self.mean_score, 4),
            "quality": round(self.quality, 4),
            "at_floor": round(self.at_floor, 4),
            "floor": floor,
            "done": round(self.at_floor * self.n),
            "done_unit": "prompts",
            "done_per_usd": None if per_unit is None else round(per_unit, 4),
            "p50_latency_ms": None if self.p50_latency_ms is None else round(self.p50_latency_ms, 1),
        }


def evaluate_tiers(
    name: str,
    tiers: Sequence[str],
    costs: OfflineCosts,
    baseline_scores: Sequence[float],
    floor: float,
    indices: Sequence[int] | None = None,
) -> OfflineResult:
    """Totals for a per-prompt tier choice (``tiers[i]`` for prompt i), optionally on a subset."""
    chosen = range(len(tiers)) if indices is None else indices
    n = len(chosen)
    if n == 0:
        raise UsageError("no prompts to evaluate")
    total_cost = 0.0
    score_sum = 0.0
    base_sum = 0.0
    at_floor = 0
    by_tier: Counter[str] = Counter()
    latencies: list[float] = []
    for i in chosen:
        tier = tiers[i]
        by_tier[tier] += 1
        score = costs.scores[tier][i]
        base = baseline_scores[i]
        total_cost += costs.costs[tier][i]
        score_sum += score
        base_sum += base
        at_floor += int(score >= floor * base - 1e-12)
        latency = costs.latencies[tier][i]
        if latency is not None:
            latencies.append(latency)
    cost = total_cost if costs.unit == COST_USD else total_cost / n
    mean = score_sum / n
    quality = score_sum / base_sum if base_sum > 0 else (1.0 if score_sum >= 0 else 0.0)
    return OfflineResult(
        name=name,
        n=n,
        by_tier=dict(sorted(by_tier.items())),
        cost=cost,
        mean_score=mean,
        quality=quality,
        at_floor=at_floor / n,
        p50_latency_ms=statistics.median(latencies) if latencies else None,
        tiers=list(tiers),
    )


def baseline_tiers(config: Config, n: int) -> list[str]:
    return [config.premium_tier] * n


def compare_dataset(
    configs: Sequence[tuple[str, Config]],
    rows: Sequence[OutcomeRow],
    *,
    explicit_models: dict[str, str] | None = None,
    floor: float = 0.95,
    classifier: Classifier | None = None,
) -> tuple[list[dict[str, Any]], str, list[str]]:
    """Rows of the compare table for each configuration on the dataset, plus the cost unit and notes.

    The baseline is every prompt answered by the strongest model of the first configuration's
    mapping (its most expensive tier)."""
    if not configs:
        raise UsageError("name at least one configuration to compare")
    notes: list[str] = []
    _, first = configs[0]
    first_mapping = map_tiers(first, rows, explicit_models)
    strong_model = first_mapping[first.premium_tier]
    baseline_scores = [row.outcomes[strong_model].score for row in rows]
    results: list[tuple[OfflineResult, str]] = []
    unit = COST_USD
    baseline_cost: float | None = None
    for name, config in configs:
        mapping = map_tiers(config, rows, explicit_models)
        notes.append(f"{name}: " + ", ".join(f"{tier}={model}" for tier, model in mapping.items()))
        costs = tier_costs(config, rows, mapping)
        if costs.unit != COST_USD:
            unit = COST_SHARE
        routed = route_prompts(config, rows, mapping, classifier=classifier)
        tiers = [prompt.tier(config.router.threshold) for prompt in routed]
        results.append((evaluate_tiers(name, tiers, costs, baseline_scores, floor), costs.unit))
        if baseline_cost is None:
            base = evaluate_tiers(
                f"baseline (all {strong_model})", baseline_tiers(config, len(rows)), costs, baseline_scores, floor
            )
            baseline_cost = base.cost
            results.insert(0, (base, costs.unit))
    if any(u != unit for _, u in results):
        notes.append("some configurations could not be priced in USD: every cost is shown as strong-call share")
        # Recompute in the common unit so the rows are comparable.
        return compare_dataset_share(configs, rows, explicit_models=explicit_models, floor=floor, classifier=classifier)
    assert baseline_cost is not None
    table = [result.row(baseline_cost, floor, unit) for result, _ in results]
    if unit == COST_SHARE:
        notes.append("no tokens or cost_usd in the dataset: cost = share of prompts sent to a tier above the cheapest")
    return table, unit, notes


def compare_dataset_share(
    configs: Sequence[tuple[str, Config]],
    rows: Sequence[OutcomeRow],
    *,
    explicit_models: dict[str, str] | None = None,
    floor: float = 0.95,
    classifier: Classifier | None = None,
) -> tuple[list[dict[str, Any]], str, list[str]]:
    notes: list[str] = ["cost = share of prompts sent to a tier above the cheapest"]
    table: list[dict[str, Any]] = []
    base_cost = 1.0
    first = configs[0][1]
    strong_model = map_tiers(first, rows, explicit_models)[first.premium_tier]
    baseline_scores = [row.outcomes[strong_model].score for row in rows]
    for index, (name, config) in enumerate(configs):
        mapping = map_tiers(config, rows, explicit_models)
        names = config.tier_names
        costs = OfflineCosts(
            COST_SHARE,
            {t: [row.outcomes[mapping[t]].score for row in rows] for t in names},
            {t: [0.0 if mapping[t] == mapping[names[0]] else 1.0 for _ in rows] for t in names},
            {t: [row.outcomes[mapping[t]].latency_ms for row in rows] for t in names},
        )
        if index == 0:
            base = evaluate_tiers(
                f"baseline (all {strong_model})", baseline_tiers(config, len(rows)), costs, baseline_scores, floor
            )
            base_cost = base.cost
            table.append(base.row(base_cost, floor, COST_SHARE))
        routed = route_prompts(config, rows, mapping, classifier=classifier)
        tiers = [prompt.tier(config.router.threshold) for prompt in routed]
        table.append(evaluate_tiers(name, tiers, costs, baseline_scores, floor).row(base_cost, floor, COST_SHARE))
    return table, COST_SHARE, notes
