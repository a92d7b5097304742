"""Four gateways on one PostgreSQL ledger (each its own app, pool and connections, as four hosts
would be), 120 (and, marked slow, 400) concurrent requests of one user against the user's cap:
spend never passes the cap, every answered request is one ledger row (none lost, none doubled),
every reservation is released. The fake provider answers (tests/support/fake_provider.py): budgets
and the ledger are what is tested."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from pathlib import Path

import openai
import pytest
from typer.testing import Result

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.server.app import create_app
from agentrunner.server.auth import default_authenticator
from tests.support.gateway_server import GatewayServer

pytestmark = pytest.mark.postgres

# A request reserves (prompt + 64) tokens at $1000/M ≈ $0.07 and spends ~$0.006 (a few words).
ROUTES = """
[tiers.premium]
provider = "fake"
model = "fake-premium"
max_tokens = 64
price = { input_per_mtok = 1000.0, output_per_mtok = 1000.0 }

[budgets.users.ana]
daily_usd = 0.5
"""


@pytest.mark.parametrize("requests", [120, pytest.param(400, marks=pytest.mark.slow)])
def test_four_gateways_many_requests_one_users_cap(
    requests: int,
    fake_local: Path,
    write_config: Callable[[str], Path],
    cli: Callable[..., Result],
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENTRUNNER_LEDGER_URL", pg_url)
    config = load_config(write_config(ROUTES))
    made = cli("keys", "create", "--user", "ana")
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[0]
    gateways = []
    for _ in range(4):
        ledger = Ledger.for_config(config)
        gateways.append((GatewayServer(create_app(config, ledger, auth=default_authenticator(config, ledger))), ledger))
    try:

        def one(number: int) -> int:
            server = gateways[number % 4][0]
            client = openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0, timeout=60)
            try:
                client.chat.completions.create(model="premium", messages=[{"role": "user", "content": f"hi {number}"}])
            except openai.RateLimitError:
                return 429
            return 200

        with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
            codes = list(pool.map(one, range(requests)))
    finally:
        for server, _ in gateways:
            server.stop()
    team = Ledger(pg_url)
    got = team.fetch_one(
        "SELECT coalesce(sum(cost_usd), 0) AS spent, count(*) AS rows, count(DISTINCT id) AS ids FROM calls "
        "WHERE user = 'ana'"
    )
    assert got is not None
    print(f"spend/cap = {got['spent'] / 0.5:.3f}; {codes.count(200)} answered, {codes.count(429)} refused")
    assert got["spent"] <= 0.5
    assert set(codes) <= {200, 429} and codes.count(429) > 0
    assert got["rows"] == got["ids"] == codes.count(200) > 0
    assert team.db.execute("SELECT count(*) FROM reservations").fetchone()[0] == 0
