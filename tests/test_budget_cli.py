"""``agentrunner budget``: each cap with spent, reserved, left and its reset; exit 3 when exhausted.

The windows themselves are budgets.py's; here they are checked through what the command shows, and
at day/month boundaries through ``budget_status(now=...)`` (the function the command calls).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from agentrunner.budgets import budget_status
from agentrunner.config import Config, load_config
from agentrunner.ledger import CallRecord, Ledger, new_id, utcnow
from agentrunner.reports.budget import latest_run_id, warning_lines

CONFIG = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
cost_per_hour = 0.05

[budgets]
per_run_usd = 1.0
daily_usd = 2.0
monthly_usd = 10.0
per_user_daily_usd = 1.5
per_team_monthly_usd = 8.0

[ledger]
user = "ana"
team = "infra"
"""


@pytest.fixture
def config(write_config: Callable[[str], Path]) -> Config:
    return load_config(write_config(CONFIG))


def spend(ledger: Ledger, cost: float, *, ts: str | None = None, **fields: object) -> None:
    ledger.record_call(
        CallRecord(ts_start=ts or utcnow(), tier="local", provider="llama-cpp", cost_usd=cost, **fields)  # type: ignore[arg-type]
    )


def test_budget_shows_every_cap_with_spent_reserved_left(cli: Callable[..., Result], config: Config) -> None:
    ledger = Ledger.for_config(config)
    ledger.start_run("run-old", config_hash="x", args={})
    spend(ledger, 0.25, run_id="run-old", user="ana", team="infra")
    ledger.start_run("run-new", config_hash="x", args={})
    spend(ledger, 0.5, run_id="run-new", user="ana", team="infra")
    spend(ledger, 0.1, user="bob", team="web")
    spend(ledger, 9.0, source="import:codex", source_id="i1")  # imported history is not spend under caps
    # a call in flight in this (live) process: reserved against every cap
    ledger.db["reservations"].insert(
        {"id": new_id(), "ts": utcnow(), "run_id": "run-new", "tier": "local", "user": "ana", "team": "infra",
         "amount_usd": 0.2, "pid": os.getpid()}
    )
    assert latest_run_id(ledger) == "run-new"

    result = cli("budget", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["run_id"] == "run-new"
    caps = {c["cap"]: c for c in data["caps"]}
    assert list(caps) == ["per_run", "daily", "monthly", "per_user_daily", "per_team_monthly"]
    assert caps["per_run"]["spent_usd"] == pytest.approx(0.5) and caps["per_run"]["resets_at"] is None
    assert caps["per_run"]["reserved_usd"] == pytest.approx(0.2)
    assert caps["per_run"]["left_usd"] == pytest.approx(0.3)
    assert caps["daily"]["spent_usd"] == pytest.approx(0.85)
    assert caps["daily"]["left_usd"] == pytest.approx(2.0 - 0.85 - 0.2)
    assert caps["per_user_daily"]["spent_usd"] == pytest.approx(0.75)
    assert caps["per_team_monthly"]["spent_usd"] == pytest.approx(0.75)
    today = datetime.now(UTC).date()
    assert caps["daily"]["resets_at"] == f"{today + timedelta(days=1)}T00:00:00Z"
    assert caps["monthly"]["resets_at"][8:] == "01T00:00:00Z"
    assert not any(c["exhausted"] for c in caps.values())

    result = cli("budget")
    out = result.output
    assert result.exit_code == 0
    for text in ("per_run = run run-new", "daily", "monthly", "per_user_daily", "per_team_monthly", "$0.2000"):
        assert text in out


def test_budget_exits_3_when_a_cap_is_exhausted(cli: Callable[..., Result], config: Config) -> None:
    spend(Ledger.for_config(config), 2.5, run_id=None, user="bob")
    result = cli("budget")
    assert result.exit_code == 3
    assert "EXHAUSTED" in result.output and "exhausted: daily" in result.output
    result = cli("budget", "--json")
    assert result.exit_code == 3
    assert json.loads(result.output)["caps"][0]["exhausted"] is True


def test_budget_run_option_picks_the_run(cli: Callable[..., Result], config: Config) -> None:
    ledger = Ledger.for_config(config)
    spend(ledger, 1.2, run_id="run-a")
    spend(ledger, 0.1, run_id="run-b")
    ledger.start_run("run-b", config_hash="x", args={})
    assert cli("budget").exit_code == 0  # latest run b: $0.10 of $1
    result = cli("budget", "--run", "run-a", "--json")
    assert result.exit_code == 3
    assert json.loads(result.output)["caps"][0]["spent_usd"] == pytest.approx(1.2)


def test_budget_without_caps(cli: Callable[..., Result], write_config: Callable[[str], Path]) -> None:
    write_config(CONFIG.split("[budgets]")[0])
    result = cli("budget")
    assert result.exit_code == 0 and "no budget caps apply" in result.output


def test_windows_reset_at_day_and_month_boundaries(config: Config) -> None:
    """Spend at 23:59:59 UTC on Nov 30 counts for that day and month, and for neither a second later."""
    ledger = Ledger.for_config(config)
    spend(ledger, 1.0, ts="2026-11-30T23:59:59.000000Z", user="ana", team="infra")
    spend(ledger, 0.3, ts="2026-11-15T10:00:00.000000Z", user="ana", team="infra")

    def caps(now: datetime) -> dict[str, float]:
        return {s.name: s.spent_usd for s in budget_status(config, ledger, now=now)}

    before = caps(datetime(2026, 11, 30, 23, 59, 59, 500000, tzinfo=UTC))
    assert before["daily"] == pytest.approx(1.0) and before["monthly"] == pytest.approx(1.3)
    assert before["per_user_daily"] == pytest.approx(1.0) and before["per_team_monthly"] == pytest.approx(1.3)
    after = caps(datetime(2026, 12, 1, 0, 0, 0, tzinfo=UTC))
    assert after == {"daily": 0.0, "monthly": 0.0, "per_user_daily": 0.0, "per_team_monthly": 0.0}
    statuses = budget_status(config, ledger, now=datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    resets = {s.name: s.resets_at for s in statuses}
    assert resets["daily"] == datetime(2026, 12, 1, tzinfo=UTC)
    assert resets["monthly"] == datetime(2026, 12, 1, tzinfo=UTC)
    mid_month = budget_status(config, ledger, now=datetime(2026, 11, 16, 0, 0, tzinfo=UTC))
    assert {s.name: s.spent_usd for s in mid_month}["daily"] == 0.0
    assert {s.name: s.resets_at for s in mid_month}["daily"] == datetime(2026, 11, 17, tzinfo=UTC)


def test_warning_lines_at_80_percent(config: Config) -> None:
    ledger = Ledger.for_config(config)
    spend(ledger, 1.65)  # daily 82% of $2, monthly 16%
    lines = warning_lines(budget_status(config, ledger), config.budgets.warn_at)
    assert len(lines) == 1 and lines[0].startswith("budget: daily at 82% of $2.00")
    spend(ledger, 0.5)
    lines = warning_lines(budget_status(config, ledger), config.budgets.warn_at)
    assert lines[0].startswith("budget: daily cap $2.00 exhausted")


@pytest.fixture
def either(config_ledger_backend: str, write_config: Callable[[str], Path]) -> Config:
    """The caps of CONFIG on a SQLite ledger and on a PostgreSQL one."""
    return load_config(write_config(CONFIG))


def test_cap_spend_is_the_hourly_rollups_plus_the_current_hours_calls(either: Config) -> None:
    """A day's or month's cap sums the whole hours before now from ``calls_rollup`` and the rest
    of its window from ``calls`` (at 10 million calls a month's cap summed every call of the month:
    seconds per check). Each call counts once, at the window's and the current hour's edges too."""
    from agentrunner import budgets

    ledger = Ledger.for_config(either)
    for cost, ts, fields in (
        (0.5, "2026-11-01T00:00:00.000000Z", {}),  # the month's first instant
        (0.25, "2026-11-20T00:00:00.000000Z", {}),  # the day's first instant
        (0.125, "2026-11-20T13:59:59.999999Z", {}),  # the last whole hour before now
        (0.0625, "2026-11-20T14:00:00.000000Z", {}),  # the current hour
        (1.0, "2026-11-20T16:00:00.000000Z", {}),  # later today: a writer whose clock is ahead
        (2.0, "2026-10-31T23:59:59.999999Z", {}),  # last month
        (4.0, "2026-11-20T10:00:00.000000Z", {"user": "bob", "team": "web"}),
        (8.0, "2026-11-20T10:00:00.000000Z", {"source": "import:codex", "source_id": "i1"}),  # not spend
    ):
        spend(ledger, cost, ts=ts, **({"user": "ana", "team": "infra"} | fields))
    now = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    ana_today = 0.25 + 0.125 + 0.0625 + 1.0

    def spent() -> dict[str, float]:
        budgets._spend_cache.clear()  # a fresh process (SQLite keeps sums per process)
        return {s.name: s.spent_usd for s in budget_status(either, ledger, now=now)}

    assert spent() == pytest.approx(
        {"daily": ana_today + 4.0, "monthly": 0.5 + ana_today + 4.0, "per_user_daily": ana_today,
         "per_team_monthly": 0.5 + ana_today}
    )  # fmt: skip
    # Read from the rollups: a rollup row of a past hour is what the cap sees.
    ledger.execute_write(
        "UPDATE calls_rollup SET cost = cost + 100 WHERE dim = 'user' AND value = 'ana' AND hour = '2026-11-20T13'"
    )
    assert spent()["per_user_daily"] == pytest.approx(ana_today + 100)
