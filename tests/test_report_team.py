"""``report --by user|team|client|project`` and ``budget --all``: the team view, on both backends."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from agentrunner.config import load_config
from agentrunner.ledger import CallRecord, Ledger

ROUTES = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
max_tokens = 64
cost_per_hour = 0.05

[tiers.premium]
provider = "openai"
model = "premium-test-model"
base_url = "http://127.0.0.1:9/v1"
n_ctx = 100000
max_tokens = 100
price = { input_per_mtok = 3.0, output_per_mtok = 15.0 }

[budgets]
per_user_daily_usd = 2.0
per_team_monthly_usd = 10.0
"""


@pytest.fixture
def team_ledger(config_ledger_backend: str, write_config: Callable[[str], Path]) -> Ledger:
    """Two engineers on one ledger: ana (core) on premium, bo (core) mostly local; runs with done items."""
    ledger = Ledger.for_config(load_config(write_config(ROUTES)))
    now = datetime.now(UTC)
    # An hour ago, but never before today's (and this month's) UTC midnight: the daily and monthly caps
    # count from there, and a run just after midnight must not put the rows in yesterday.
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    ts = max(now - timedelta(hours=1), midnight + (now - midnight) / 2).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    for run, user, tier, cost, done in (("r1", "ana", "premium", 1.5, 3), ("r2", "bo", "local", 0.002, 2)):
        ledger.start_run(run, config_hash="c", args={})
        for _ in range(2):
            ledger.record_call(
                CallRecord(
                    run_id=run, user=user, team="core", tier=tier, cost_usd=cost / 2, ts_start=ts,
                    input_tokens=1000, output_tokens=100, provider="openai" if tier == "premium" else "llama-cpp",
                )
            )
        ledger.finish_run(run, exit_code=0, totals={"done": done})
    ledger.record_call(CallRecord(user=None, tier="local", cost_usd=0.001, ts_start=ts))
    return ledger


def test_report_by_user_is_one_row_per_engineer(team_ledger: Ledger, cli: Callable[..., Result]) -> None:
    result = cli("report", "--by", "user", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["key"]: row for row in json.loads(result.output)["team"]}
    assert set(rows) == {"ana", "bo", "(none)"}
    ana, bo = rows["ana"], rows["bo"]
    assert ana["spend_usd"] == pytest.approx(1.5) and ana["premium_share_spend"] == 1.0
    assert ana["done_items"] == 3 and ana["cost_per_done_item_usd"] == pytest.approx(0.5)
    assert ana["done_items_per_usd"] == pytest.approx(2.0)
    assert ana["last_30d_usd"] == pytest.approx(1.5)
    assert ana["run_rate_monthly_usd"] == pytest.approx(1.5 * 365 / 12 / 30)
    assert ana["cap"]["name"] == "per_user_daily" and ana["cap"]["used_usd"] == pytest.approx(1.5)
    assert ana["cap"]["used_fraction"] == pytest.approx(0.75)
    assert bo["done_items"] == 2 and bo["premium_share_spend"] == 0.0
    assert bo["all_premium_usd"] > bo["spend_usd"]  # the what-if: bo's tokens at premium rates
    assert rows["(none)"]["cap"] is None


def test_report_by_team_and_client_and_the_table(team_ledger: Ledger, cli: Callable[..., Result]) -> None:
    by_team = json.loads(cli("report", "--by", "team", "--json").output)["team"]
    core = next(row for row in by_team if row["key"] == "core")
    assert core["done_items"] == 5 and core["spend_usd"] == pytest.approx(1.502)
    assert core["cap"]["name"] == "per_team_monthly" and core["cap"]["cap_usd"] == 10.0
    by_client = cli("report", "--by", "client", "--json")
    assert by_client.exit_code == 0, by_client.output
    assert [row["done_items"] for row in json.loads(by_client.output)["team"]] == [None]
    table = cli("report", "--by", "user")
    assert table.exit_code == 0, table.output
    assert "per user" in table.output and "75% of $2.00 per_user_daily" in table.output


def test_budget_all_shows_every_users_and_teams_caps(team_ledger: Ledger, cli: Callable[..., Result]) -> None:
    result = cli("budget", "--all", "--json")
    assert result.exit_code == 0, result.output
    caps = {(row["who"], row["cap"]): row for row in json.loads(result.output)}
    assert set(caps) == {
        ("user ana", "per_user_daily"),
        ("user bo", "per_user_daily"),
        ("team core", "per_team_monthly"),
    }
    assert caps[("user ana", "per_user_daily")]["spent_usd"] == pytest.approx(1.5)
    assert caps[("team core", "per_team_monthly")]["left_usd"] == pytest.approx(10.0 - 1.502)
    table = cli("budget", "--all")
    assert "user ana" in table.output and "team core" in table.output


@pytest.mark.parametrize("since", ["90m", "2d", "45d"])
def test_rollups_answer_what_the_calls_answer(
    team_ledger: Ledger, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, since: str
) -> None:
    """Reports read whole hours from the hourly rollups (m008) and partial hours from ``calls``:
    the same numbers as reading every call — for windows that start mid-hour, rows imported after
    the fact into old hours, errors, unpriced and imported calls, every dimension."""
    import random

    import agentrunner.reports.spend as spend
    from agentrunner.reports import build_report, resolve_window
    from agentrunner.reports.team import team_rows

    rng = random.Random(5)
    now = datetime.now(UTC)
    team_ledger.insert_calls(
        CallRecord(
            ts_start=(now - timedelta(minutes=rng.randint(1, 60 * 24 * 50))).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            tier=rng.choice(["local", "premium", None]),
            provider=rng.choice(["llama-cpp", "openai", None]),
            model=rng.choice(["a", "b", None]),
            user=rng.choice(["ana", "bo", None]),
            team=rng.choice(["core", None]),
            project=rng.choice(["p1", None]),
            step_kind=rng.choice(["act", "judge", "replay", None]),
            source=rng.choice(["agentrunner", "import:x", "gateway"]),
            status=rng.choice(["ok", "ok", "error"]),
            cost_usd=rng.choice([None, 0.001 * rng.randint(1, 900)]),
            input_tokens=rng.randint(0, 5000),
            cache_read_tokens=rng.choice([None, 100]),
            input_includes_cache=rng.choice([None, True, False]),
            output_tokens=rng.randint(0, 900),
        )
        for _ in range(400)
    )
    config = load_config(write_config(ROUTES))
    window = resolve_window(since, None, None, now=now)
    answers = []
    for rollups in (True, False):
        if not rollups:
            monkeypatch.setattr(spend, "rollup_dimension", lambda ledger, by: None)
            monkeypatch.setattr("agentrunner.reports.team.rollup_dimension", lambda ledger, by: None)
        per_by = {}
        for by in ("tier", "model", "user", "team", "source", "client", "day"):
            report = build_report(config, team_ledger, window, by=by, now=now)
            data = report.to_dict()
            data.pop("generated_at")
            team = team_rows(config, team_ledger, report, now=now) if by in ("user", "team", "client") else []
            per_by[by] = (data, [row.to_dict() for row in team])
        answers.append(per_by)
    with_rollups, from_calls = rounded(answers[0]), rounded(answers[1])
    for by in with_rollups:
        assert with_rollups[by] == from_calls[by], by
    assert with_rollups["user"][0]["work"]["calls"] > 0


def rounded(value: object) -> object:
    """Floats to 9 places (sums in another order differ in the last bits), containers recursively."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(item) for item in value]
    return value


def test_the_html_report_has_the_team_page(team_ledger: Ledger, cli: Callable[..., Result], tmp_path: Path) -> None:
    page = tmp_path / "team.html"
    result = cli("report", "--by", "user", "--html", str(page))
    assert result.exit_code == 0, result.output
    text = page.read_text("utf-8")
    assert "<h2>Team: per user</h2>" in text and 'alt="spend per user"' in text
    assert "<td>ana</td><td>$1.50</td>" in text and "75.0% of $2.00 per_user_daily" in text
    # Charts per engineer (spend, daily spend, what it went on) and the top spenders' uses.
    assert 'alt="daily spend per user"' in text and 'alt="what each user spends on"' in text
    assert "<h3>Top spenders: what they spend on</h3>" in text
    assert "<td>ana</td><td>$1.50</td><td>premium · agentrunner $1.50 (100%)</td><td>-</td>" in text
    rows = {row["key"]: row for row in json.loads(cli("report", "--by", "user", "--json").output)["team"]}
    assert rows["ana"]["spend_by_use"] == {"premium · agentrunner": pytest.approx(1.5)}
    assert rows["bo"]["spend_by_use"] == {"local · agentrunner": pytest.approx(0.002)}
    assert "<h2>Team" not in cli_html(cli, tmp_path, "tier")  # no team page for --by tier


def cli_html(cli: Callable[..., Result], tmp_path: Path, by: str) -> str:
    page = tmp_path / f"{by}.html"
    assert cli("report", "--by", by, "--html", str(page)).exit_code == 0
    return page.read_text("utf-8")


def test_per_engineer_subscriptions_and_fully_loaded(
    team_ledger: Ledger, cli: Callable[..., Result], write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    write_config(ROUTES + '\n[users.ana]\nsubscriptions = { "Claude Max" = 200.0, "Cursor" = 40.0 }\n')
    result = cli("report", "--by", "user", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["key"]: row for row in json.loads(result.output)["team"]}
    ana, bo = rows["ana"], rows["bo"]
    assert ana["subscriptions_monthly_usd"] == 240.0
    # Prorated to the window from the ledger's first call (about an hour ago): a sliver of a month.
    assert 0 < ana["subscriptions_usd"] < 240.0 / 30
    assert ana["fully_loaded_usd"] == pytest.approx(ana["spend_usd"] + ana["subscriptions_usd"])
    assert ana["fully_loaded_monthly_usd"] == pytest.approx(ana["run_rate_monthly_usd"] + 240.0)
    assert bo["subscriptions_monthly_usd"] == 0.0 and bo["fully_loaded_usd"] == pytest.approx(bo["spend_usd"])
    table = cli("report", "--by", "user").output
    assert "subs/mo" in table and "fully loaded" in table and "$240.00" in table
    assert "subs/mo" not in cli("report", "--by", "team").output  # seats are people's
    page = tmp_path / "team.html"
    assert cli("report", "--by", "user", "--html", str(page)).exit_code == 0
    assert "<th>subscriptions/mo</th><th>fully loaded</th>" in page.read_text("utf-8")
    assert "<td>$240.00</td>" in page.read_text("utf-8")


def test_team_rows_carry_their_members_seats(
    team_ledger: Ledger, cli: Callable[..., Result], write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    """``[users.NAME] team`` (or the team of a user's gateway keys) puts an engineer's seats in
    their team's row: subscriptions per month and fully loaded on ``--by team``."""
    from agentrunner.keys import KeyStore

    write_config(
        ROUTES
        + '\n[users.ana]\nteam = "core"\nsubscriptions = { "Claude Max" = 200.0, "Cursor" = 40.0 }\n'
        + '\n[users.bo]\nsubscriptions = { "Cursor" = 40.0 }\n'  # no team here: his key's
        + '\n[users.cy]\nteam = "core"\nsubscriptions = { "Copilot" = 19.0 }\n'  # no calls yet: still a seat
        + '\n[users.dee]\nsubscriptions = { "Cursor" = 40.0 }\n'  # keys in two teams: in none
        + '\n[users.eve]\nteam = "web"\nsubscriptions = { "Cursor" = 40.0 }\n'  # another team
    )
    keys = KeyStore(team_ledger)
    keys.create(user="bo", team="core")
    keys.create(user="dee", team="core")
    keys.create(user="dee", team="web")
    keys.create(user="ana", team="web")  # routes.toml says core: the file wins
    result = cli("report", "--by", "team", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["key"]: row for row in json.loads(result.output)["team"]}
    core = rows["core"]
    assert core["subscriptions_monthly_usd"] == pytest.approx(240.0 + 40.0 + 19.0)
    assert 0 < core["subscriptions_usd"] < 299.0 / 30  # prorated from the ledger's first call
    assert core["fully_loaded_usd"] == pytest.approx(core["spend_usd"] + core["subscriptions_usd"])
    assert core["fully_loaded_monthly_usd"] == pytest.approx(core["run_rate_monthly_usd"] + 299.0)
    assert rows["(none)"]["subscriptions_monthly_usd"] == 0.0
    web = rows["web"]  # eve's team: a seat and no calls yet — what it costs is its seat
    assert web["calls"] == 0 and web["spend_usd"] == 0.0 and web["subscriptions_monthly_usd"] == 40.0
    assert web["fully_loaded_usd"] == pytest.approx(web["subscriptions_usd"]) and web["subscriptions_usd"] > 0
    table = cli("report", "--by", "team").output
    assert "subs/mo" in table and "fully loaded" in table and "$299.00" in table
    page = tmp_path / "team.html"
    assert cli("report", "--by", "team", "--html", str(page)).exit_code == 0
    assert "<th>subscriptions/mo</th><th>fully loaded</th>" in page.read_text("utf-8")
    assert "<td>$299.00</td>" in page.read_text("utf-8")
    users = {row["key"]: row for row in json.loads(cli("report", "--by", "user", "--json").output)["team"]}
    assert users["ana"]["subscriptions_monthly_usd"] == 240.0  # a user's row is still their own seats
    assert users["cy"]["calls"] == 0 and users["cy"]["fully_loaded_monthly_usd"] == pytest.approx(19.0)


def test_a_users_team_must_be_a_name(cli: Callable[..., Result], write_config: Callable[[str], Path]) -> None:
    write_config(ROUTES + '\n[users.ana]\nteam = ""\n')
    result = cli("report", "--by", "team")
    assert result.exit_code != 0
    assert "users.ana.team" in result.output and "Traceback" not in result.output
