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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..budgets import CapStatus, budget_status
from ..config import Config
from ..ledger import Ledger
from .spend import DIMENSIONS, Report, _query
from .window import to_ledger_ts

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


def last_30_days(ledger: Ledger, dim: str, now: datetime) -> dict[str, float]:
    rows = _query(
        ledger,
        f"SELECT {dim} AS key, total(cost_usd) AS cost FROM calls WHERE ts_start >= ? AND ts_start < ? GROUP BY 1",
        [to_ledger_ts(now - timedelta(days=30)), to_ledger_ts(now)],
    )
    return {str(row["key"]): float(row["cost"]) for row in rows}


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


def cap_for(config: Config, ledger: Ledger, by: str, key: str) -> CapStatus | None:
    """The user's daily (else monthly) cap, or the team's monthly (else daily) cap, as it stands now."""
    if by not in ("user", "team") or key == "(none)":
        return None
    who = {"user": key if by == "user" else "", "team": key if by == "team" else ""}
    ledger_config = config.ledger.model_copy(update=who)
    statuses = budget_status(config.model_copy(update={"ledger": ledger_config}), ledger)
    mine = [s for s in statuses if s.name.startswith(f"per_{by}_")]
    order = ("daily", "monthly") if by == "user" else ("monthly", "daily")
    for period in order:
        for status in mine:
            if status.name.endswith(period):
                return status
    return None


def people(ledger: Ledger, config: Config, column: str, since_ts: str) -> list[str]:
    """Users (or teams) that spent since ``since_ts``, and those named in ``[budgets]``."""
    named = getattr(config.budgets, f"{column}s", None) or {}
    rows = _query(
        ledger, f"SELECT DISTINCT {column} AS who FROM calls WHERE ts_start >= ? AND {column} IS NOT NULL", [since_ts]
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


def team_rows(config: Config, ledger: Ledger, report: Report, *, now: datetime | None = None) -> list[TeamRow]:
    """One row per group of ``report`` (built with ``by`` one of :data:`TEAM_DIMENSIONS`)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    dim = dimension_sql(ledger, report.by)
    recent = last_30_days(ledger, dim, moment)
    done = done_items(ledger, dim, report.window.start_ts, report.window.end_ts)
    rows = []
    for group in report.groups:
        totals = group.totals
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
                cap=cap_for(config, ledger, report.by, group.key),
            )
        )
    return rows


__all__ = ["TEAM_DIMENSIONS", "TeamRow", "every_cap", "team_rows"]
