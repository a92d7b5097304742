"""Where the money goes: spend, tokens, premium share, cost per done item, run rate, what-if.

Everything is aggregated in SQL (one grouped query over the window, joined to per-local-day
ranges on the ``ts_start`` index); Python only adds up the few hundred grouped rows.

Definitions (also in docs/reports.md):

* **work** — every call that is not a replay (``replay_of`` set or ``step_kind = 'replay'``) and
  not a judge (``step_kind = 'judge'``); imported history (``source = 'import:*'``) is work too.
  Replays and judges are *evaluation* and shown apart.
* **premium** — a call on the configured premium tier (the last tier); for imported rows, whose
  tier is NULL, any provider that is not local (not llama-cpp or ollama).
* **spend** — the sum of ``cost_usd``. Unpriced calls (ok, cost NULL) are counted and listed, never
  added as $0. **Metered** = work + evaluation; **fully loaded** = metered + subscriptions
  prorated to the window.
* **cost per done item** — agentrunner's own work spend (``source = 'agentrunner'``) over the
  items of state.db with status done and ``done_at`` in the window.
* **all-premium estimate** — the work calls that have a price, re-priced at the premium tier's
  per-token rates.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..chat import Usage
from ..config import Config
from ..errors import LedgerError, UsageError
from ..ledger import Ledger
from ..migrations import ROLLUP_DIMENSIONS
from ..pricing import LOCAL_PROVIDERS, cost_per_hour, price_tokens
from .window import (
    DayBucket,
    Window,
    local_zone_name,
    month_label,
    parse_ledger_ts,
    prorate_monthly,
    to_ledger_ts,
    week_label,
)

# --by NAME → the SQL expression grouped on (time dimensions are rolled up from local days).
DIMENSIONS: dict[str, str | None] = {
    "day": None,
    "week": None,
    "month": None,
    "tier": "coalesce(tier, '(' || coalesce(provider, 'unknown') || ')')",
    "model": "coalesce(model, '(unknown)')",
    "provider": "coalesce(provider, '(unknown)')",
    "step-kind": "coalesce(step_kind, '(none)')",
    "task-type": "coalesce(task_type, '(none)')",
    "user": "coalesce(user, '(none)')",
    "team": "coalesce(team, '(none)')",
    "project": "coalesce(project, '(none)')",
    "client": "coalesce(client, '(none)')",  # the gateway's callers (User-Agent), m005
    "source": "coalesce(source, '(unknown)')",
}
TIME_DIMENSIONS = ("day", "week", "month")
KIND_EXPR = (
    "CASE WHEN step_kind = 'judge' THEN 'judge' "
    "WHEN replay_of IS NOT NULL OR step_kind = 'replay' THEN 'replay' ELSE 'work' END"
)
# Uncached input: input_tokens minus cache reads/writes when the provider counts them in (OpenAI),
# input_tokens as is when it does not (Anthropic). NULL input_includes_cache = counts them in.
_UNCACHED = (
    "CASE WHEN input_includes_cache = 0 THEN coalesce(input_tokens, 0) "
    "ELSE max(coalesce(input_tokens, 0) - coalesce(cache_read_tokens, 0) - coalesce(cache_write_tokens, 0), 0) END"
)


@dataclass
class Totals:
    """Additive sums over a set of calls (so groups roll up by plain addition)."""

    calls: int = 0
    ok_calls: int = 0
    error_calls: int = 0
    input_uncached_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0  # as providers report it: includes reasoning tokens
    reasoning_tokens: int = 0
    cost_usd: float = 0.0  # priced calls only
    priced_calls: int = 0
    unpriced_calls: int = 0  # status ok, cost NULL
    premium_calls: int = 0
    premium_cost_usd: float = 0.0
    own_cost_usd: float = 0.0  # source = 'agentrunner' (for cost per done item)
    # Token sums of the priced calls only, for the all-premium estimate (same calls on both sides).
    priced_input_uncached_tokens: int = 0
    priced_cache_read_tokens: int = 0
    priced_cache_write_tokens: int = 0
    priced_output_tokens: int = 0

    def add(self, other: Totals) -> None:
        mine, theirs = self.__dict__, other.__dict__
        for name in _TOTALS_FIELDS:
            mine[name] += theirs[name]

    @property
    def premium_share_calls(self) -> float | None:
        return self.premium_calls / self.calls if self.calls else None

    @property
    def premium_share_spend(self) -> float | None:
        return self.premium_cost_usd / self.cost_usd if self.cost_usd > 0 else None

    @property
    def total_tokens(self) -> int:
        return self.input_uncached_tokens + self.cache_read_tokens + self.cache_write_tokens + self.output_tokens


_TOTALS_FIELDS = tuple(item.name for item in fields(Totals))

# Per call, SQL only sums raw columns. What depends on a call's tier, provider, price or source
# (premium or not, priced or not, agentrunner's own or imported) is a grouping key instead and is
# derived per group in Python: conditional sums cost ~25% more CPU per call on a million calls.
_GROUP_SUMS = (
    "count(*) AS calls, sum(status = 'ok') AS ok_calls, sum(status = 'error') AS error_calls, "
    f"sum({_UNCACHED}) AS uncached, sum(cache_read_tokens) AS cache_read, "
    "sum(cache_write_tokens) AS cache_write, sum(output_tokens) AS output, "
    "sum(reasoning_tokens) AS reasoning, total(cost_usd) AS cost"
)


def is_premium(tier: str | None, provider: str | None, premium_tier: str) -> bool:
    """The premium rule (module docstring): the premium tier, or an untiered non-local provider."""
    if tier is not None:
        return tier == premium_tier
    return (provider or "") not in LOCAL_PROVIDERS


def tier_label(tier: str | None, provider: str | None) -> str:
    """The tier, or for untiered (imported) calls their provider in parentheses."""
    return tier if tier is not None else f"({provider or 'unknown'})"


def _totals_from(row: sqlite3.Row, *, premium: bool) -> Totals:
    """One group's Totals from its sums and keys (SQLite's sum() is NULL when every value is)."""
    calls, ok, cost = int(row["calls"]), int(row["ok_calls"] or 0), float(row["cost"])
    uncached, read = int(row["uncached"] or 0), int(row["cache_read"] or 0)
    write, output = int(row["cache_write"] or 0), int(row["output"] or 0)
    priced = not row["cost_is_null"]
    return Totals(
        calls=calls,
        ok_calls=ok,
        error_calls=int(row["error_calls"] or 0),
        input_uncached_tokens=uncached,
        cache_read_tokens=read,
        cache_write_tokens=write,
        output_tokens=output,
        reasoning_tokens=int(row["reasoning"] or 0),
        cost_usd=cost,
        priced_calls=calls if priced else 0,
        unpriced_calls=0 if priced else ok,
        premium_calls=calls if premium else 0,
        premium_cost_usd=cost if premium else 0.0,
        own_cost_usd=cost if row["own"] else 0.0,
        priced_input_uncached_tokens=uncached if priced else 0,
        priced_cache_read_tokens=read if priced else 0,
        priced_cache_write_tokens=write if priced else 0,
        priced_output_tokens=output if priced else 0,
    )


@dataclass(frozen=True)
class PremiumRates:
    """USD per token of the premium tier, per category (derived from pricing.price_tokens)."""

    tier: str
    model: str
    input: float
    cache_read: float
    cache_write: float
    output: float
    source: str

    def price(self, totals: Totals) -> float:
        return (
            totals.priced_input_uncached_tokens * self.input
            + totals.priced_cache_read_tokens * self.cache_read
            + totals.priced_cache_write_tokens * self.cache_write
            + totals.priced_output_tokens * self.output
        )


# Size of the reference requests the per-token rates are read from: small enough to stay below
# any long-context price tier (genai-prices charges e.g. claude-sonnet-4-5 double above 200k input
# tokens per request), which a sum over thousands of calls would wrongly cross.
_RATE_PROBE_TOKENS = 1000


def premium_rates(config: Config) -> tuple[PremiumRates | None, str]:
    """The premium tier's per-token prices, or None and why not."""
    name = config.premium_tier
    tier = config.tiers[name]
    if cost_per_hour(tier) is not None:
        return None, f"premium tier {name!r} is paid by the hour (local), not by token"
    n = _RATE_PROBE_TOKENS

    def rate(usage: Usage) -> tuple[float | None, str | None]:
        cost = price_tokens(tier.model, usage, provider=tier.provider, price=tier.price, base_url=tier.base_url)
        return (None if cost.usd is None else cost.usd / n), cost.source

    input_rate, source = rate(Usage(input_tokens=n, output_tokens=0))
    output_rate, _ = rate(Usage(input_tokens=0, output_tokens=n))
    read_rate, _ = rate(Usage(input_tokens=n, output_tokens=0, cache_read_tokens=n))
    write_rate, _ = rate(Usage(input_tokens=n, output_tokens=0, cache_write_tokens=n))
    if input_rate is None or output_rate is None or read_rate is None or write_rate is None:
        return None, f"no price known for premium model {tier.model!r}; set price = {{...}} on tier {name!r}"
    return PremiumRates(name, tier.model, input_rate, read_rate, write_rate, output_rate, source or ""), ""


@dataclass
class GroupRow:
    key: str
    totals: Totals
    all_premium_usd: float | None = None
    done_items: int | None = None
    # Work spend per day of the window and per use ("tier · source": what it was spent on).
    cost_by_day: dict[date, float] = field(default_factory=dict)
    cost_by_use: dict[str, float] = field(default_factory=dict)

    @property
    def cost_per_done_item(self) -> float | None:
        if not self.done_items:
            return None
        return self.totals.own_cost_usd / self.done_items


@dataclass
class DayRow:
    """One local day of the window: the series the HTML charts draw."""

    day: date
    work: Totals
    evaluation_cost_usd: float
    cost_by_tier: dict[str, float]
    done_items: int

    @property
    def cost_per_done_item(self) -> float | None:
        return self.work.own_cost_usd / self.done_items if self.done_items else None


@dataclass
class Report:
    window: Window
    by: str
    premium_tier: str
    zone: str
    generated_at: datetime
    work: Totals
    evaluation: dict[str, Totals]
    groups: list[GroupRow]
    days: list[DayRow]
    tiers: list[str]
    subscriptions: dict[str, float]
    done_items: int | None
    rates: PremiumRates | None
    what_if_note: str
    unpriced: list[dict[str, Any]]
    run_rate: dict[str, float | None]
    growth: dict[str, float | None]
    budget_monthly_usd: float | None = None
    notes: list[str] = field(default_factory=list)

    # -- headline numbers -------------------------------------------------------------------

    @property
    def evaluation_cost_usd(self) -> float:
        return sum(t.cost_usd for t in self.evaluation.values())

    @property
    def metered_usd(self) -> float:
        return self.work.cost_usd + self.evaluation_cost_usd

    @property
    def subscriptions_usd(self) -> float:
        return sum(self.subscriptions.values())

    @property
    def fully_loaded_usd(self) -> float:
        return self.metered_usd + self.subscriptions_usd

    @property
    def all_premium_usd(self) -> float | None:
        return self.rates.price(self.work) if self.rates else None

    @property
    def saving_pct(self) -> float | None:
        """How much less the priced work calls cost than they would have all on premium."""
        estimate = self.all_premium_usd
        if not estimate:
            return None
        return (1 - self.work.cost_usd / estimate) * 100

    @property
    def cost_per_done_item(self) -> float | None:
        return self.work.own_cost_usd / self.done_items if self.done_items else None

    @property
    def done_items_per_usd(self) -> float | None:
        if self.done_items is None or self.work.own_cost_usd <= 0:
            return None
        return self.done_items / self.work.own_cost_usd

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (``--json``)."""

        def totals(t: Totals) -> dict[str, Any]:
            data = asdict(t)
            data["premium_share_calls"] = t.premium_share_calls
            data["premium_share_spend"] = t.premium_share_spend
            return data

        return {
            "window": {
                "label": self.window.label,
                "start": self.window.start_ts,
                "end": self.window.end_ts,
                "start_local": self.window.start.astimezone().isoformat(),
                "end_local": self.window.end.astimezone().isoformat(),
                "days": round(self.window.days, 4),
                "zone": self.zone,
            },
            "generated_at": to_ledger_ts(self.generated_at),
            "premium_tier": self.premium_tier,
            "by": self.by,
            "spend": {
                "work_usd": self.work.cost_usd,
                "evaluation_usd": self.evaluation_cost_usd,
                "metered_usd": self.metered_usd,
                "subscriptions_usd": self.subscriptions_usd,
                "fully_loaded_usd": self.fully_loaded_usd,
            },
            "work": totals(self.work),
            "evaluation": {kind: totals(t) for kind, t in self.evaluation.items()},
            "what_if": {
                "premium_tier": self.premium_tier,
                "model": self.rates.model if self.rates else None,
                "all_premium_usd": self.all_premium_usd,
                "actual_usd": self.work.cost_usd,
                "saving_pct": self.saving_pct,
                "priced_calls": self.work.priced_calls,
                "unpriced_calls_left_out": self.work.unpriced_calls,
                "rates_per_mtok": None
                if self.rates is None
                else {
                    "input": self.rates.input * 1e6,
                    "cache_read": self.rates.cache_read * 1e6,
                    "cache_write": self.rates.cache_write * 1e6,
                    "output": self.rates.output * 1e6,
                    "source": self.rates.source,
                },
                "note": self.what_if_note,
            },
            "done_items": self.done_items,
            "cost_per_done_item_usd": self.cost_per_done_item,
            "done_items_per_usd": self.done_items_per_usd,
            "subscriptions": self.subscriptions,
            "run_rate": self.run_rate,
            "growth": self.growth,
            "unpriced": self.unpriced,
            "groups": [
                {
                    "key": g.key,
                    **totals(g.totals),
                    "all_premium_usd": g.all_premium_usd,
                    "done_items": g.done_items,
                    "cost_per_done_item_usd": g.cost_per_done_item,
                }
                for g in self.groups
            ],
            "days": [
                {
                    "day": d.day.isoformat(),
                    "calls": d.work.calls,
                    "cost_usd": d.work.cost_usd,
                    "evaluation_cost_usd": d.evaluation_cost_usd,
                    "cost_by_tier": d.cost_by_tier,
                    "premium_share_calls": d.work.premium_share_calls,
                    "premium_share_spend": d.work.premium_share_spend,
                    "done_items": d.done_items,
                    "cost_per_done_item_usd": d.cost_per_done_item,
                }
                for d in self.days
            ],
            "notes": self.notes,
        }


# -- queries ---------------------------------------------------------------------------------


def _days_cte(buckets: Iterable[DayBucket]) -> str:
    """``days(d, day, lo, hi)`` (``d`` = index in ``buckets``) as literal VALUES: the strings are
    our own ISO dates and timestamps (no user text), and literals keep us clear of SQLite's
    bound-parameter limit."""
    values = ", ".join(f"({i}, '{b.day.isoformat()}', '{b.lo_ts}', '{b.hi_ts}')" for i, b in enumerate(buckets))
    return f"days(d, day, lo, hi) AS (VALUES {values})"


def _query(ledger: Ledger, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
    conn = ledger.db.conn
    previous = conn.row_factory
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql, params if isinstance(params, dict) else list(params)))
    except sqlite3.OperationalError as exc:
        raise LedgerError(f"{ledger.path}: {exc}") from None
    finally:
        conn.row_factory = previous


# -- hourly rollups (m008) -------------------------------------------------------------------


def _hour_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _hour_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H")


def split_hours(
    ranges: list[tuple[int, datetime, datetime]],
) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """Each range ``[lo, hi)`` as its whole UTC hours (rollup hour keys ``[lo_hour, hi_hour)``) and
    the partial hours at its edges (ledger timestamps, read from ``calls``)."""
    whole: list[tuple[int, str, str]] = []
    edges: list[tuple[int, str, str]] = []
    for index, lo, hi in ranges:
        first = _hour_floor(lo) if _hour_floor(lo) == lo.astimezone(UTC) else _hour_floor(lo) + timedelta(hours=1)
        last = _hour_floor(hi)
        if first >= last:
            edges.append((index, to_ledger_ts(lo), to_ledger_ts(hi)))
            continue
        whole.append((index, _hour_key(first), _hour_key(last)))
        if lo < first:
            edges.append((index, to_ledger_ts(lo), to_ledger_ts(first)))
        if last < hi:
            edges.append((index, to_ledger_ts(last), to_ledger_ts(hi)))
    return whole, edges


def _ranges_cte(ranges: list[tuple[int, str, str]]) -> str:
    """``days(d, lo, hi)`` as literal VALUES (our own timestamps or hour keys, no user text)."""
    return "days(d, lo, hi) AS (VALUES " + ", ".join(f"({i}, '{lo}', '{hi}')" for i, lo, hi in ranges) + ")"


def rollup_dimension(ledger: Ledger, by: str | None) -> str | None:
    """The rollup's name for a ``--by`` dimension ('' for tier and time), or None when the ledger
    has no rollups (an older database) or does not roll this dimension up."""
    name = "" if by is None or by in TIME_DIMENSIONS or by == "tier" else by
    if name not in ROLLUP_DIMENSIONS:
        return None
    known = getattr(ledger, "_has_rollups", None)
    if known is None:
        known = "calls_rollup" in ledger.db.table_names()
        ledger._has_rollups = known  # type: ignore[attr-defined]
    return name if known else None


def _rollup_query(ranges: list[tuple[int, str, str]], dim: str) -> str:
    return (
        f"WITH {_ranges_cte(ranges)} "
        "SELECT days.d AS day_index, r.kind AS kind, nullif(r.tier, '') AS tier, nullif(r.provider, '') AS provider, "
        "r.cost_is_null AS cost_is_null, r.source = 'agentrunner' AS own, r.value AS dim, r.source AS source, "
        "sum(r.calls) AS calls, "
        "sum(r.ok_calls) AS ok_calls, sum(r.error_calls) AS error_calls, sum(r.uncached) AS uncached, "
        "sum(r.cache_read) AS cache_read, sum(r.cache_write) AS cache_write, sum(r.output) AS output, "
        "sum(r.reasoning) AS reasoning, total(r.cost) AS cost "
        f"FROM days JOIN calls_rollup r ON r.dim = '{dim}' AND r.hour >= days.lo AND r.hour < days.hi "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )


def _calls_query(ranges: list[tuple[int, str, str]], dimension_sql: str | None) -> str:
    dim = dimension_sql or "''"
    return (
        f"WITH {_ranges_cte(ranges)} "
        f"SELECT days.d AS day_index, {KIND_EXPR} AS kind, tier, provider, cost_usd IS NULL AS cost_is_null, "
        f"source = 'agentrunner' AS own, {dim} AS dim, coalesce(source, '') AS source, {_GROUP_SUMS} "
        "FROM days JOIN calls ON calls.ts_start >= days.lo AND calls.ts_start < days.hi "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )


def aggregate_by_day(
    ledger: Ledger, buckets: list[DayBucket], dimension_sql: str | None, *, by: str | None = None
) -> list[sqlite3.Row]:
    """Sums grouped by (day index in ``buckets``, kind, tier, provider, priced, own, dimension, source):
    whole hours from the rollups when the ledger has them for ``by``, the rest from ``calls``. Rows
    with the same keys may come twice (an edge and the whole hours of one day): callers add them."""
    if not buckets:
        return []
    ranges = [(index, bucket.lo, bucket.hi) for index, bucket in enumerate(buckets)]
    rollup = rollup_dimension(ledger, by) if by is not None or dimension_sql is None else None
    if rollup is None:
        stamps = [(index, to_ledger_ts(lo), to_ledger_ts(hi)) for index, lo, hi in ranges]
        return _query(ledger, _calls_query(stamps, dimension_sql))
    whole, edges = split_hours(ranges)
    rows = _query(ledger, _rollup_query(whole, rollup)) if whole else []
    if edges:
        rows += _query(ledger, _calls_query(edges, dimension_sql))
    return rows


def cost_between(ledger: Ledger, ranges: list[tuple[int, datetime, datetime]]) -> dict[int, float]:
    """Metered spend per range (``index → total cost_usd`` of ``[lo, hi)``): whole hours from the
    rollups, edges from ``calls``."""
    totals = dict.fromkeys((index for index, _, _ in ranges), 0.0)
    whole, edges = split_hours(ranges) if rollup_dimension(ledger, None) is not None else ([], [
        (i, to_ledger_ts(lo), to_ledger_ts(hi)) for i, lo, hi in ranges
    ])
    if whole:
        sql = (f"WITH {_ranges_cte(whole)} SELECT days.d AS d, total(r.cost) AS cost FROM days JOIN calls_rollup r "
               "ON r.dim = '' AND r.hour >= days.lo AND r.hour < days.hi GROUP BY 1")
        for row in _query(ledger, sql):
            totals[int(row["d"])] += float(row["cost"])
    if edges:
        sql = (f"WITH {_ranges_cte(edges)} SELECT days.d AS d, total(cost_usd) AS cost FROM days JOIN calls "
               "ON calls.ts_start >= days.lo AND calls.ts_start < days.hi GROUP BY 1")
        for row in _query(ledger, sql):
            totals[int(row["d"])] += float(row["cost"])
    return totals


def spend_windows(ledger: Ledger, now: datetime) -> tuple[float, float, float]:
    """Metered spend in the 30 and 90 days before ``now`` and in the 90 days before those."""
    if rollup_dimension(ledger, None) is not None:
        d30, d90, d180 = (now - timedelta(days=days) for days in (30, 90, 180))
        sums = cost_between(ledger, [(0, d30, now), (1, d90, now), (2, d180, d90)])
        return sums[0], sums[1], sums[2]
    # (a ledger without rollups: one pass over the last 180 days)
    at = {days: to_ledger_ts(now - timedelta(days=days)) for days in (30, 90, 180)}
    rows = _query(
        ledger,
        "SELECT total(CASE WHEN ts_start >= :d30 THEN cost_usd END) AS last_30, "
        "total(CASE WHEN ts_start >= :d90 THEN cost_usd END) AS last_90, "
        "total(CASE WHEN ts_start < :d90 THEN cost_usd END) AS previous_90 "
        "FROM calls WHERE ts_start >= :d180 AND ts_start < :now",
        {"d30": at[30], "d90": at[90], "d180": at[180], "now": to_ledger_ts(now)},
    )
    return float(rows[0]["last_30"]), float(rows[0]["last_90"]), float(rows[0]["previous_90"])


def first_call_at(ledger: Ledger) -> datetime | None:
    rows = _query(ledger, "SELECT min(ts_start) AS first FROM calls")
    if not rows or not rows[0]["first"]:
        return None
    try:
        return parse_ledger_ts(rows[0]["first"])
    except ValueError:  # a foreign timestamp format: count subscriptions over the whole window
        return datetime.min.replace(tzinfo=UTC)


def unpriced_by_model(ledger: Ledger, window: Window) -> list[dict[str, Any]]:
    rows = _query(
        ledger,
        "SELECT coalesce(model, '(unknown)') AS model, coalesce(provider, '(unknown)') AS provider, "
        "count(*) AS calls, sum(coalesce(input_tokens, 0)) AS input_tokens, "
        "sum(coalesce(output_tokens, 0)) AS output_tokens "
        "FROM calls WHERE ts_start >= ? AND ts_start < ? AND status = 'ok' AND cost_usd IS NULL "
        "GROUP BY 1, 2 ORDER BY calls DESC, model",
        [window.start_ts, window.end_ts],
    )
    return [dict(row) for row in rows]


def done_items_by_day(
    state_path: Path, window: Window, *, by_task_type: bool = False
) -> dict[tuple[date, str], int] | None:
    """Done items of state.db per (local day of done_at, task type); None without a queue."""
    if not state_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{state_path}?mode=ro", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        raise LedgerError(f"{state_path}: cannot open: {exc}") from None
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "items" not in tables:
            return None
        type_expr = "coalesce(task_type, '(none)')" if by_task_type else "''"
        sql = (
            f"WITH {_days_cte(window.buckets())} "
            f"SELECT days.day, {type_expr}, count(*) FROM days JOIN items "
            "ON items.done_at >= days.lo AND items.done_at < days.hi "
            "WHERE items.status = 'done' GROUP BY 1, 2"
        )
        return {(date.fromisoformat(day), kind): int(n) for day, kind, n in conn.execute(sql)}
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{state_path}: {exc}") from None
    finally:
        conn.close()


# -- the report ------------------------------------------------------------------------------


def _group_key(dimension: str, day: date, dim_value: str) -> str:
    if dimension == "day":
        return day.isoformat()
    if dimension == "week":
        return week_label(day)
    if dimension == "month":
        return month_label(day)
    return dim_value


def build_report(
    config: Config,
    ledger: Ledger,
    window: Window,
    *,
    by: str = "tier",
    now: datetime | None = None,
    state_path: Path | None = None,
) -> Report:
    """The report for ``window``, grouped ``by`` one of :data:`DIMENSIONS`."""
    if by not in DIMENSIONS:
        raise UsageError(f"--by {by!r}: expected one of {', '.join(DIMENSIONS)}")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    premium_tier = config.premium_tier
    rates, what_if_note = premium_rates(config)
    state = state_path if state_path is not None else config.state_path

    buckets = window.buckets()
    # --by tier is derived from the tier and provider keys the query groups by anyway.
    dimension = DIMENSIONS[by]
    if by == "client" and "client" not in ledger.db["calls"].columns_dict:
        dimension = "'(none)'"  # a ledger without the gateway's columns: no call has a client
    rows = aggregate_by_day(ledger, buckets, None if by == "tier" else dimension, by=by)
    work = Totals()
    evaluation: dict[str, Totals] = {"replay": Totals(), "judge": Totals()}
    groups: dict[str, GroupRow] = {}
    day_work: dict[date, Totals] = {}
    day_eval: dict[date, float] = {}
    day_tier: dict[date, dict[str, float]] = {}
    tiers_seen: dict[str, float] = {}
    for row in rows:
        totals = _totals_from(row, premium=is_premium(row["tier"], row["provider"], premium_tier))
        day = buckets[row["day_index"]].day
        label = tier_label(row["tier"], row["provider"])
        if row["kind"] != "work":
            evaluation[row["kind"]].add(totals)
            day_eval[day] = day_eval.get(day, 0.0) + totals.cost_usd
            continue
        work.add(totals)
        day_work.setdefault(day, Totals()).add(totals)
        by_tier = day_tier.setdefault(day, {})
        by_tier[label] = by_tier.get(label, 0.0) + totals.cost_usd
        tiers_seen[label] = tiers_seen.get(label, 0.0) + totals.cost_usd
        key = _group_key(by, day, label if by == "tier" else row["dim"])
        group = groups.setdefault(key, GroupRow(key, Totals()))
        group.totals.add(totals)
        group.cost_by_day[day] = group.cost_by_day.get(day, 0.0) + totals.cost_usd
        use = f"{label} · {row['source'] or '(none)'}"
        group.cost_by_use[use] = group.cost_by_use.get(use, 0.0) + totals.cost_usd

    done = done_items_by_day(state, window, by_task_type=by == "task-type")
    done_by_day: dict[date, int] = {}
    if done is not None:
        for (day, task_type), count in done.items():
            done_by_day[day] = done_by_day.get(day, 0) + count
            if by in TIME_DIMENSIONS or by == "task-type":
                key = _group_key(by, day, task_type)
                groups.setdefault(key, GroupRow(key, Totals()))
                groups[key].done_items = (groups[key].done_items or 0) + count
        if by in TIME_DIMENSIONS or by == "task-type":
            for group in groups.values():
                group.done_items = group.done_items or 0

    for group in groups.values():
        group.all_premium_usd = rates.price(group.totals) if rates else None
    if by in TIME_DIMENSIONS:
        ordered = sorted(groups.values(), key=lambda g: g.key)
    else:
        ordered = sorted(groups.values(), key=lambda g: (-g.totals.cost_usd, -g.totals.calls, g.key))

    # Tiers in escalation order first, then whatever else the ledger holds (imported, renamed).
    tier_order = [t for t in config.tier_names if t in tiers_seen]
    tier_order += sorted((t for t in tiers_seen if t not in config.tiers), key=lambda t: -tiers_seen[t])
    days = [
        DayRow(
            day=bucket.day,
            work=day_work.get(bucket.day, Totals()),
            evaluation_cost_usd=day_eval.get(bucket.day, 0.0),
            cost_by_tier={t: day_tier.get(bucket.day, {}).get(t, 0.0) for t in tier_order},
            done_items=done_by_day.get(bucket.day, 0),
        )
        for bucket in buckets
    ]

    # Subscriptions count from the ledger's first call (not from 1990 when asked --from 1990) up to
    # now (not into the future of a window that ends later).
    first_call = first_call_at(ledger)
    sub_start = max(window.start, first_call) if first_call else window.end
    sub_end = min(window.end, moment)
    subscriptions = {
        name: prorate_monthly(monthly, sub_start, sub_end) for name, monthly in config.subscriptions.items()
    }
    monthly_subscriptions = sum(config.subscriptions.values())
    last_30, last_90, previous_90 = spend_windows(ledger, moment)
    run_rate: dict[str, float | None] = {
        "last_30d_usd": last_30,
        "monthly_usd": last_30 * (365 / 12) / 30,
        "annualised_usd": last_30 * 365 / 30,
        "subscriptions_monthly_usd": monthly_subscriptions,
        "fully_loaded_annualised_usd": last_30 * 365 / 30 + monthly_subscriptions * 12,
    }
    growth: dict[str, float | None] = {
        "last_90d_usd": last_90,
        "previous_90d_usd": previous_90,
        "qoq_pct": (last_90 / previous_90 - 1) * 100 if previous_90 > 0 else None,
    }
    notes: list[str] = []
    if work.unpriced_calls:
        notes.append(
            f"{work.unpriced_calls} unpriced call(s) are not in the spend nor in the all-premium estimate"
        )
    return Report(
        window=window,
        by=by,
        premium_tier=premium_tier,
        zone=local_zone_name(window.end),
        generated_at=moment,
        work=work,
        evaluation=evaluation,
        groups=ordered,
        days=days,
        tiers=tier_order,
        subscriptions=subscriptions,
        done_items=None if done is None else sum(done.values()),
        rates=rates,
        what_if_note=what_if_note,
        unpriced=unpriced_by_model(ledger, window),
        run_rate=run_rate,
        growth=growth,
        budget_monthly_usd=config.budgets.monthly_usd,
        notes=notes,
    )
