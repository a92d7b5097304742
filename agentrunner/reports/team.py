"""The team view: ``report --by user|team|client|project`` — one row per engineer (or team, client,
project) with what they spend, how fast, on what, what it buys, and how close they are to their cap.

Per row: work spend in the window, its premium share, the all-premium what-if (:mod:`.spend`'s
definitions), the run rate (metered spend of the last 30 days × 365/12/30), done items (from the
``runs`` of the window: a run's ``totals.done``, credited to the user/team/project of its calls —
a shared ledger has no one's state.db), cost per done item, done items per dollar, and for users and
teams their cap now (``[budgets]``: the user's daily cap, the team's monthly cap; spent + reserved
over the limit).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..budgets import SPEND_SOURCES, CapStatus, budget_status, day_window, month_window
from ..config import Config
from ..keys import KeyStore
from ..ledger import Ledger
from .spend import DIMENSIONS, GroupRow, Report, Totals, _query, first_call_at, rollup_dimension, split_hours
from .window import prorate_monthly, to_ledger_ts

TEAM_DIMENSIONS = ("user", "team", "client", "project")


@dataclass
class TeamRow:
    key: str
    calls: int
    spend_usd: float
    premium_share_spend: float | None
    all_premium_usd: float | None
    last_30d_usd: float
    done_items: int | None
    own_cost_usd: float
    cap: CapStatus | None
    # [users.NAME] subscriptions (a team's: its members'): per month, and prorated to the report's window.
    subscriptions_monthly_usd: float = 0.0
    subscriptions_usd: float = 0.0
    # Work spend per day of the window, and per use ("tier · source": what it went on).
    spend_by_day: dict[date, float] = field(default_factory=dict)
    spend_by_use: dict[str, float] = field(default_factory=dict)

    @property
    def fully_loaded_usd(self) -> float:
        """Metered spend in the window + the engineer's subscriptions prorated to it."""
        return self.spend_usd + self.subscriptions_usd

    @property
    def fully_loaded_monthly_usd(self) -> float:
        """Run rate + subscriptions: what this engineer costs a month at the current pace."""
        return self.run_rate_monthly_usd + self.subscriptions_monthly_usd

    @property
    def run_rate_monthly_usd(self) -> float:
        return self.last_30d_usd * (365 / 12) / 30

    @property
    def cost_per_done_item(self) -> float | None:
        return self.own_cost_usd / self.done_items if self.done_items else None

    @property
    def done_per_usd(self) -> float | None:
        return self.done_items / self.own_cost_usd if self.done_items is not None and self.own_cost_usd > 0 else None

    @property
    def saving_pct(self) -> float | None:
        return (1 - self.spend_usd / self.all_premium_usd) * 100 if self.all_premium_usd else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "calls": self.calls,
            "spend_usd": self.spend_usd,
            "premium_share_spend": self.premium_share_spend,
            "all_premium_usd": self.all_premium_usd,
            "saving_pct": self.saving_pct,
            "last_30d_usd": self.last_30d_usd,
            "run_rate_monthly_usd": self.run_rate_monthly_usd,
            "done_items": self.done_items,
            "cost_per_done_item_usd": self.cost_per_done_item,
            "done_items_per_usd": self.done_per_usd,
            "subscriptions_monthly_usd": self.subscriptions_monthly_usd,
            "subscriptions_usd": self.subscriptions_usd,
            "fully_loaded_usd": self.fully_loaded_usd,
            "fully_loaded_monthly_usd": self.fully_loaded_monthly_usd,
            "spend_by_use": dict(sorted(self.spend_by_use.items(), key=lambda item: -item[1])),
            "cap": None
            if self.cap is None
            else {
                "name": self.cap.name,
                "cap_usd": self.cap.cap_usd,
                "used_usd": self.cap.spent_usd + self.cap.reserved_usd,
                "used_fraction": self.cap.fraction,
                "exhausted": self.cap.exhausted,
            },
        }


def dimension_sql(ledger: Ledger, by: str) -> str:
    if by == "client" and "client" not in ledger.db["calls"].columns_dict:
        return "'(none)'"  # a ledger from before the gateway's columns: every call is from no client
    return DIMENSIONS[by] or "''"


def spend_by(
    ledger: Ledger, by: str, dim: str, lo: datetime, hi: datetime, *, sources: tuple[str, ...] = ()
) -> dict[str, float]:
    """Spend per value of the dimension in ``[lo, hi)`` (only ``sources``, if given): whole hours
    from the rollups, the edges from ``calls``."""
    rollup = rollup_dimension(ledger, by)
    whole, edges = split_hours([(0, lo, hi)]) if rollup is not None else ([], [(0, to_ledger_ts(lo), to_ledger_ts(hi))])
    marks = ", ".join("?" for _ in sources)
    found: dict[str, float] = {}
    for _, lo_key, hi_key in whole:
        only = f" AND source IN ({marks})" if sources else ""
        for row in _query(
            ledger,
            "SELECT value AS key, total(cost) AS cost FROM calls_rollup "
            f"WHERE dim = ? AND hour >= ? AND hour < ?{only} GROUP BY 1",
            [rollup, lo_key, hi_key, *sources],
        ):
            found[str(row["key"])] = found.get(str(row["key"]), 0.0) + float(row["cost"])
    for _, lo_ts, hi_ts in edges:
        only = f" AND source IN ({marks})" if sources else ""
        for row in _query(
            ledger,
            f"SELECT {dim} AS key, total(cost_usd) AS cost FROM calls "
            f"WHERE ts_start >= ? AND ts_start < ?{only} GROUP BY 1",
            [lo_ts, hi_ts, *sources],
        ):
            found[str(row["key"])] = found.get(str(row["key"]), 0.0) + float(row["cost"])
    return found


def last_30_days(ledger: Ledger, by: str, dim: str, now: datetime) -> dict[str, float]:
    return spend_by(ledger, by, dim, now - timedelta(days=30), now)


def done_items(ledger: Ledger, dim: str, start_ts: str, end_ts: str) -> dict[str, int]:
    """Done items of the runs that finished in the window, per the dimension of their calls."""
    rows = _query(
        ledger,
        f"SELECT runs.totals AS totals, (SELECT {dim} FROM calls WHERE calls.run_id = runs.id LIMIT 1) AS key "
        "FROM runs WHERE runs.finished >= ? AND runs.finished < ?",
        [start_ts, end_ts],
    )
    done: dict[str, int] = {}
    for row in rows:
        try:
            count = int(json.loads(row["totals"] or "{}").get("done") or 0)
        except (ValueError, TypeError, AttributeError):
            continue
        key = str(row["key"] or "(none)")
        done[key] = done.get(key, 0) + count
    return done


def caps_of(config: Config, ledger: Ledger, by: str, keys: list[str], now: datetime) -> dict[str, CapStatus]:
    """Each user's daily cap (or each team's monthly cap) as it stands now, for many at once: one
    grouped spend query over the window (the rollups), the live reservations, the configured limit
    (``[budgets.users.NAME]``/``[budgets.teams.NAME]`` when the config has them, else the default)."""
    if by not in ("user", "team"):
        return {}
    budgets = config.budgets
    named = getattr(budgets, f"{by}s", None) or {}
    if by == "user":
        default, period = budgets.per_user_daily_usd, "daily"
    else:
        default, period = budgets.per_team_monthly_usd, "monthly"
    limits = {}
    for key in keys:
        own = getattr(named.get(key), f"{period}_usd", None)
        limit = own if own is not None else default
        if limit is not None and key != "(none)":
            limits[key] = float(limit)
    if not limits:
        return {}
    lo, hi = day_window(now) if period == "daily" else month_window(now)
    sources = tuple(SPEND_SOURCES)
    spent = spend_by(ledger, by, DIMENSIONS[by] or "''", lo, hi, sources=sources)
    reserved = {
        str(row["key"]): float(row["amount"])
        for row in _query(
            ledger,
            f"SELECT {by} AS key, total(amount_usd) AS amount FROM reservations WHERE {by} IS NOT NULL GROUP BY 1",
        )
    }
    found = {}
    for key, limit in limits.items():
        used = spent.get(key, 0.0) + reserved.get(key, 0.0)
        found[key] = CapStatus(
            name=f"per_{by}_{period}",
            cap_usd=limit,
            spent_usd=spent.get(key, 0.0),
            reserved_usd=reserved.get(key, 0.0),
            left_usd=limit - used,
            resets_at=hi,
            exhausted=used >= limit,
            fraction=used / limit if limit > 0 else 1.0,
        )
    return found


def people(ledger: Ledger, config: Config, column: str, since_ts: str) -> list[str]:
    """Users (or teams) that spent since ``since_ts``, and those named in ``[budgets]``."""
    named = getattr(config.budgets, f"{column}s", None) or {}
    if rollup_dimension(ledger, column) is not None:  # the rollups know who spent, hour by hour
        rows = _query(
            ledger,
            "SELECT DISTINCT value AS who FROM calls_rollup WHERE dim = ? AND hour >= ? AND value <> '(none)'",
            [column, since_ts[:13]],
        )
    else:
        rows = _query(
            ledger,
            f"SELECT DISTINCT {column} AS who FROM calls WHERE ts_start >= ? AND {column} IS NOT NULL",
            [since_ts],
        )
    return sorted({str(row["who"]) for row in rows} | set(named))


def every_cap(config: Config, ledger: Ledger, *, now: datetime | None = None) -> list[tuple[str, CapStatus]]:
    """Every user's and team's caps as they stand now: (``user ana`` / ``team core``, status)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    month_start = to_ledger_ts(moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0))
    found: list[tuple[str, CapStatus]] = []
    for by in ("user", "team"):
        for who in people(ledger, config, by, month_start):
            ledger_config = config.ledger.model_copy(update={"user": "", "team": "", by: who})
            statuses = budget_status(config.model_copy(update={"ledger": ledger_config}), ledger, now=moment)
            found += [(f"{by} {who}", s) for s in statuses if s.name.startswith(f"per_{by}_")]
    return found


def user_teams(config: Config, ledger: Ledger) -> dict[str, str]:
    """Each engineer's team: ``[users.NAME] team`` in routes.toml, else the team of their active
    gateway keys (when those carry one and the same; keys in two teams say nothing)."""
    by_keys: dict[str, set[str]] = {}
    for key in KeyStore(ledger).list(include_revoked=False):
        if key.team:
            by_keys.setdefault(key.user, set()).add(key.team)
    teams = {user: next(iter(found)) for user, found in by_keys.items() if len(found) == 1}
    teams.update({name: seat.team for name, seat in config.users.items() if seat.team})
    return teams


def seats_monthly(config: Config, ledger: Ledger, by: str) -> dict[str, float]:
    """Subscriptions per month per row key: an engineer's own seats (``[users.NAME]
    subscriptions``); for a team, the seats of the engineers in it (:func:`user_teams`)."""
    own = {name: sum(seat.subscriptions.values()) for name, seat in config.users.items() if seat.subscriptions}
    if by == "user":
        return own
    if by != "team" or not own:
        return {}
    teams = user_teams(config, ledger)
    found: dict[str, float] = {}
    for name, monthly in own.items():
        if name in teams:
            found[teams[name]] = found.get(teams[name], 0.0) + monthly
    return found


def team_rows(config: Config, ledger: Ledger, report: Report, *, now: datetime | None = None) -> list[TeamRow]:
    """One row per group of ``report`` (built with ``by`` one of :data:`TEAM_DIMENSIONS`), and one
    for each engineer or team with seats (``[users.NAME]``) but no calls in the window."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    dim = dimension_sql(ledger, report.by)
    recent = last_30_days(ledger, report.by, dim, moment)
    done = done_items(ledger, dim, report.window.start_ts, report.window.end_ts)
    seats = seats_monthly(config, ledger, report.by)
    # An engineer (or team) with seats but no calls in the window still costs their seats: a row.
    spent = {group.key for group in report.groups}
    groups = [*report.groups, *(GroupRow(key, Totals()) for key in sorted(seats) if key not in spent)]
    caps = caps_of(config, ledger, report.by, [group.key for group in groups], moment)
    # Subscriptions count as the report's do: from the ledger's first call, up to now.
    first_call = first_call_at(ledger)
    sub_start = max(report.window.start, first_call) if first_call else report.window.end
    sub_end = min(report.window.end, moment)
    rows = []
    for group in groups:
        totals = group.totals
        monthly = seats.get(group.key, 0.0)
        rows.append(
            TeamRow(
                key=group.key,
                calls=totals.calls,
                spend_usd=totals.cost_usd,
                premium_share_spend=totals.premium_share_spend,
                all_premium_usd=group.all_premium_usd,
                last_30d_usd=recent.get(group.key, 0.0),
                done_items=done.get(group.key, 0) if report.by != "client" else None,
                own_cost_usd=totals.own_cost_usd,
                cap=caps.get(group.key),
                subscriptions_monthly_usd=monthly,
                subscriptions_usd=prorate_monthly(monthly, sub_start, sub_end) if monthly else 0.0,
                spend_by_day=dict(group.cost_by_day),
                spend_by_use=dict(group.cost_by_use),
            )
        )
    return rows


__all__ = ["TEAM_DIMENSIONS", "TeamRow", "every_cap", "seats_monthly", "team_rows", "user_teams"]
