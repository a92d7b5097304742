"""Budgets per key, user and team (the gateway's callers): which caps apply, whose spend they count,
the gateway's downgrade-or-refuse, and concurrent reservations for one user on a real SQLite ledger
from threads and from processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agentrunner.budgets import Spender, applicable_caps, budget_status, release, reserve, reserve_or_downgrade
from agentrunner.config import Config, load_config
from agentrunner.errors import ConfigError, OverBudget
from agentrunner.ledger import CallRecord, Ledger
from tests.support.budget_tiers import TIERS

NOW = datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
TS = "2026-03-03T10:00:00.000000Z"
ALICE = Spender(user="alice", team="core", key_id="k-alice", key_daily_usd=2.0)


@pytest.fixture
def setup(write_config: Callable[[str], Path]) -> Callable[[str], tuple[Config, Ledger]]:
    def make(budgets: str) -> tuple[Config, Ledger]:
        path = write_config(TIERS + "\n" + textwrap.dedent(budgets))
        config = load_config(path)
        return config, Ledger.for_config(config)

    return make


def spend(ledger: Ledger, cost: float, ts: str = TS, **fields: object) -> None:
    ledger.record_call(CallRecord(ts_start=ts, ts_end=ts, cost_usd=cost, tier="premium", **fields))


def by_name(statuses: list) -> dict:
    return {status.name: status for status in statuses}


PEOPLE = """
[budgets]
per_user_daily_usd = 10.0
per_team_monthly_usd = 100.0

[budgets.users.alice]
daily_usd = 5.0
monthly_usd = 50.0

[budgets.teams.core]
daily_usd = 30.0
"""


def test_caps_of_a_key_its_user_and_its_team(setup) -> None:
    config, _ = setup(PEOPLE)
    caps = {cap.name: cap for cap in applicable_caps(config, now=NOW, spender=ALICE)}
    assert {name: (cap.cap_usd, cap.scope) for name, cap in caps.items()} == {
        "per_user_daily": (5.0, "user alice"),  # [budgets.users.alice] replaces per_user_daily_usd
        "per_user_monthly": (50.0, "user alice"),
        "per_team_daily": (30.0, "team core"),
        "per_team_monthly": (100.0, "team core"),  # no teams.core.monthly_usd: the default
        "per_key_daily": (2.0, "key k-alice"),
    }
    # Another user gets the defaults; a spender without a team has no team cap.
    other = {cap.name: cap.cap_usd for cap in applicable_caps(config, now=NOW, spender=Spender(user="bob"))}
    assert other == {"per_user_daily": 10.0}


def test_spend_is_counted_per_key_user_and_team_from_runs_and_the_gateway(setup) -> None:
    config, ledger = setup(PEOPLE + "\n[budgets.users.bob]\nmonthly_usd = 40.0\n")
    spend(ledger, 1.0, user="alice", team="core", key_id="k-alice", source="gateway")
    spend(ledger, 0.5, user="alice", team="core", key_id="k-other", source="gateway")  # her other key
    spend(ledger, 0.25, user="alice", team="core")  # her agentrunner runs count too
    spend(ledger, 2.0, user="bob", team="core", source="gateway", key_id="k-bob")
    spend(ledger, 4.0, user="alice", team="core", source="import:claude-code", source_id="x")  # not spend
    spend(ledger, 8.0, "2026-03-02T10:00:00.000000Z", user="alice", team="core", key_id="k-alice", source="gateway")
    status = by_name(budget_status(config, ledger, now=NOW, spender=ALICE))
    assert status["per_key_daily"].spent_usd == pytest.approx(1.0)
    assert status["per_user_daily"].spent_usd == pytest.approx(1.75)
    assert status["per_user_monthly"].spent_usd == pytest.approx(9.75)
    assert status["per_team_daily"].spent_usd == pytest.approx(3.75)
    assert status["per_team_monthly"].spent_usd == pytest.approx(11.75)
    bob = by_name(budget_status(config, ledger, now=NOW, spender=Spender(user="bob", team="core")))
    assert bob["per_user_daily"].spent_usd == pytest.approx(2.0) and bob["per_user_monthly"].cap_usd == 40.0


def test_reservations_count_against_their_own_spender_only(setup) -> None:
    config, ledger = setup(PEOPLE)
    held = reserve(config, ledger, 1.5, tier="premium", spender=ALICE, now=NOW)
    assert held.ok
    assert not reserve(config, ledger, 0.75, tier="premium", spender=ALICE, now=NOW).ok  # key: 1.5 + 0.75 > 2
    # Alice's other key still fits under her user cap; bob is untouched by her reservation.
    other_key = Spender(user="alice", team="core", key_id="k-2")
    assert reserve(config, ledger, 3.0, tier="premium", spender=other_key, now=NOW).ok
    blocked = reserve(config, ledger, 1.0, tier="premium", spender=other_key, now=NOW)
    assert blocked.blocked_by is not None and blocked.blocked_by.name == "per_user_daily"
    assert blocked.blocked_by.reserved_usd == pytest.approx(4.5)
    assert reserve(config, ledger, 9.0, tier="premium", spender=Spender(user="bob"), now=NOW).ok
    release(ledger, held.id)
    assert reserve(config, ledger, 0.5, tier="premium", spender=ALICE, now=NOW).ok


def test_over_budget_refusal_names_the_cap_and_when_it_resets(setup) -> None:
    config, ledger = setup(PEOPLE)
    spend(ledger, 4.9, user="alice", team="core", key_id="k-1", source="gateway")
    with pytest.raises(OverBudget) as caught:
        reserve_or_downgrade(
            config, ledger, tier="premium", worst_case=lambda tier: 0.2, spender=Spender(user="alice"), now=NOW
        )
    error = caught.value
    assert (error.cap, error.scope, error.cap_usd) == ("per_user_daily", "user alice", 5.0)
    assert error.resets_at == datetime(2026, 3, 4, tzinfo=UTC)
    assert error.retry_after_s == 3600
    assert "per_user_daily cap for user alice $5.00" in str(error) and "resets 2026-03-04 00:00 UTC" in str(error)
    assert error.exit_code == 3
    assert ledger.db["reservations"].count == 0


def test_downgrade_to_the_configured_tier_or_refuse(setup) -> None:
    config, ledger = setup(PEOPLE.replace("[budgets]\n", '[budgets]\ndowngrade_to = "local"\n'))
    spend(ledger, 4.9, user="alice", source="gateway")
    prices = {"premium": 0.2, "local": 0.01}
    fit = reserve_or_downgrade(
        config, ledger, tier="premium", worst_case=prices.__getitem__, spender=Spender(user="alice"), now=NOW
    )
    assert (fit.tier, fit.downgraded_from) == ("local", "premium")
    assert fit.reason == "per_user_daily cap for user alice cannot cover premium → downgrade to local"
    assert fit.reservation.ok and fit.reservation.amount_usd == 0.01
    release(ledger, fit.reservation.id)
    # The downgrade tier must fit too, else the refusal names the cap that stopped it.
    spend(ledger, 0.095, user="alice", source="gateway")
    with pytest.raises(OverBudget, match="tier 'local' needs worst case"):
        reserve_or_downgrade(
            config, ledger, tier="premium", worst_case=prices.__getitem__, spender=Spender(user="alice"), now=NOW
        )
    # on_exhausted = "stop": a refusal even with a downgrade tier configured.
    stop, stop_ledger = setup(
        PEOPLE.replace("[budgets]\n", '[budgets]\ndowngrade_to = "local"\non_exhausted = "stop"\n')
    )
    spend(stop_ledger, 4.9, user="alice", source="gateway")
    with pytest.raises(OverBudget):
        reserve_or_downgrade(
            stop, stop_ledger, tier="premium", worst_case=prices.__getitem__, spender=Spender(user="alice"), now=NOW
        )


def test_without_downgrade_to_a_premium_request_is_refused_not_downgraded(setup) -> None:
    config, ledger = setup(PEOPLE)  # on_exhausted defaults to "downgrade", but no tier is named
    spend(ledger, 5.0, user="alice", source="gateway")
    with pytest.raises(OverBudget):
        reserve_or_downgrade(
            config, ledger, tier="premium", worst_case=lambda tier: 0.0001, spender=Spender(user="alice"), now=NOW
        )


def test_a_cap_that_never_resets_has_no_retry_after(setup) -> None:
    from agentrunner.budgets import over_budget

    config, ledger = setup("[budgets]\nper_run_usd = 0.1\n")
    blocked = reserve(config, ledger, 1.0, tier="premium", run_id="r")
    assert blocked.blocked_by is not None
    assert over_budget(blocked.blocked_by, 1.0, "premium").retry_after_s is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[budgets.users.alice]\ndaly_usd = 5.0\n",
            "routes.toml:LINE: budgets.users.alice.daly_usd: unknown key (did you mean 'daily_usd'?)",
        ),
        ("[budgets.teams.core]\nmonthly_usd = -1\n", "routes.toml:LINE: budgets.teams.core.monthly_usd: "),
        ('[budgets.users.bob]\ndaily_usd = "5"\n', "routes.toml:LINE: budgets.users.bob.daily_usd: must be a number"),
        (
            '[budgets]\ndowngrade_to = "locl"\n',
            "routes.toml:LINE: budgets.downgrade_to: unknown tier 'locl' (did you mean 'local'?)",
        ),
        ("[budgets]\nusers = 3\n", "routes.toml:LINE: budgets.users: must be a table"),
    ],
)
def test_config_mistakes_name_file_line_and_key(setup, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        setup(text)
    line = len((TIERS + "\n").splitlines()) + 2  # the key's line: after the tiers, a blank line, the header
    message = str(caught.value)
    assert Path(message.split(":", 1)[0]).name == "routes.toml"
    assert message.split(":", 1)[1].startswith(expected.split(":", 1)[1].replace("LINE", str(line))), message


def test_eight_threads_for_one_user_never_overspend(setup) -> None:
    """Eight threads of one user, through two keys: reserve, "call" (a gateway row costing the
    reserved amount), release. The user's cap holds and is used to the last whole call."""
    config, ledger = setup("[budgets.users.alice]\ndaily_usd = 1.0\n")
    amount = 0.03
    granted: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker(key: str) -> None:
        spender = Spender(user="alice", key_id=key)
        start.wait()
        while True:
            result = reserve(config, ledger, amount, tier="premium", spender=spender)
            if not result.ok:
                return
            ledger.record_call(CallRecord(cost_usd=amount, tier="premium", user="alice", key_id=key, source="gateway"))
            with lock:
                granted.append(str(result.id))
            release(ledger, result.id)

    threads = [threading.Thread(target=worker, args=(f"k{n % 2}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    total = ledger.db.execute("SELECT sum(cost_usd) FROM calls WHERE user = 'alice'").fetchone()[0]
    assert total <= 1.0 + 1e-9
    assert len(granted) == 33  # floor(1.0 / 0.03)
    assert ledger.db["reservations"].count == 0


WORKER = """
import sys, threading
from agentrunner.budgets import Spender, reserve, release
from agentrunner.config import load_config
from agentrunner.ledger import CallRecord, Ledger

config = load_config(sys.argv[1])
ledger = Ledger.for_config(config)
spender = Spender(user="alice", team="core", key_id=sys.argv[2], key_daily_usd=10.0)

def work():
    while True:
        result = reserve(config, ledger, 0.03, tier="premium", spender=spender)
        if not result.ok:
            return
        ledger.record_call(CallRecord(cost_usd=0.03, tier="premium", user="alice", team="core",
                                      key_id=sys.argv[2], source="gateway"))
        release(ledger, result.id)

threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
"""


def test_three_processes_for_one_user_never_overspend(setup, tmp_path: Path) -> None:
    config, ledger = setup("[budgets.users.alice]\ndaily_usd = 1.0\n")
    script = tmp_path / "worker.py"
    script.write_text(WORKER, "utf-8")
    assert config.source_path is not None
    processes = [subprocess.Popen([sys.executable, str(script), str(config.source_path), f"key-{n}"]) for n in range(3)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0]
    total, count = ledger.db.execute("SELECT sum(cost_usd), count(*) FROM calls").fetchone()
    assert total <= 1.0 + 1e-9
    assert count == 33
    assert ledger.db["reservations"].count == 0


@pytest.mark.postgres
def test_key_user_and_team_caps_on_a_postgres_ledger(
    write_config: Callable[[str], Path], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same caps on a team's PostgreSQL ledger: the reservation row carries the key, and a
    gateway row of another user does not count against alice."""
    monkeypatch.setenv("AGENTRUNNER_LEDGER_URL", pg_url)
    config = load_config(write_config(TIERS + "\n" + PEOPLE))
    ledger = Ledger.for_config(config)
    assert ledger.backend == "postgresql"
    ledger.record_call(
        CallRecord(cost_usd=1.0, tier="premium", user="alice", team="core", key_id="k-alice", source="gateway")
    )
    ledger.record_call(CallRecord(cost_usd=3.0, tier="premium", user="bob", team="core", source="gateway"))
    held = reserve(config, ledger, 0.75, tier="premium", spender=ALICE)
    assert held.ok
    assert ledger.fetch_one("SELECT key_id FROM reservations WHERE id = ?", (held.id,)) == {"key_id": "k-alice"}
    blocked = reserve(config, ledger, 0.5, tier="premium", spender=ALICE)  # key: 1.0 + 0.75 + 0.5 > 2
    assert blocked.blocked_by is not None and blocked.blocked_by.name == "per_key_daily"
    assert blocked.blocked_by.scope == "key k-alice"
    statuses = by_name(budget_status(config, ledger, spender=ALICE))
    assert statuses["per_user_daily"].spent_usd == pytest.approx(1.0)
    assert statuses["per_team_daily"].spent_usd == pytest.approx(4.0)
    release(ledger, held.id)
