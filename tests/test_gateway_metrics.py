"""GET /metrics: Prometheus text from a real gateway on loopback (requests, latency, tokens, cost,
errors by tier, user and protocol), bounded labels, and the sum over worker processes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import Result

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.server import metrics as metrics_module
from agentrunner.server.app import create_app
from agentrunner.server.auth import default_authenticator
from tests.support.gateway_server import GatewayServer

TIERS = """
[tiers.cheap]
provider = "fake"
model = "fake-cheap"
max_tokens = 64
cost_per_hour = 0.05

[tiers.premium]
provider = "fake"
model = "fake-premium"
max_tokens = 64
price = { input_per_mtok = 1000.0, output_per_mtok = 1000.0 }
"""


@pytest.fixture
def gateway(fake_local: Path, write_config: Callable[[str], Path]) -> Iterator[tuple[GatewayServer, Ledger]]:
    config = load_config(write_config(TIERS))
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=default_authenticator(config, ledger))) as server:
        yield server, ledger
    ledger.close()


def key_for(cli: Callable[..., Result], *args: str) -> str:
    result = cli("keys", "create", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[0]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by name and sorted labels."""
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_tokens_cost_and_errors(gateway, cli: Callable[..., Result]) -> None:
    server, ledger = gateway
    alice = key_for(cli, "--user", "alice")
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key=alice, max_retries=0)
    for model in ("premium", "premium", "cheap"):
        client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hello there"}])
    list(
        client.chat.completions.create(
            model="premium", messages=[{"role": "user", "content": "stream it"}], stream=True
        )
    )
    httpx.post(f"{server.url}/v1/chat/completions", json={"model": "premium"}, headers={"x-api-key": "ar-wrong"})
    capped = key_for(cli, "--user", "bob", "--daily-usd", "0.01")
    with pytest.raises(openai.RateLimitError):
        openai.OpenAI(base_url=f"{server.url}/v1", api_key=capped, max_retries=0).chat.completions.create(
            model="premium", messages=[{"role": "user", "content": "hi"}]
        )

    reply = httpx.get(f"{server.url}/metrics")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    found = samples(reply.text)
    requests = "agentrunner_gateway_requests_total"
    assert value(found, requests, protocol="openai", tier="premium", user="alice", code="200") == 3
    assert value(found, requests, protocol="openai", tier="cheap", user="alice", code="200") == 1
    assert value(found, requests, protocol="openai", tier="-", user="-", code="401") == 1
    assert value(found, requests, protocol="openai", tier="premium", user="bob", code="429") == 1
    errors = "agentrunner_gateway_errors_total"
    assert value(found, errors, protocol="openai", tier="-", kind="authentication") == 1
    assert value(found, errors, protocol="openai", tier="premium", kind="rate_limited") == 1
    assert value(found, "agentrunner_gateway_request_seconds_count", protocol="openai", tier="premium") == 4
    assert value(found, "agentrunner_gateway_first_byte_seconds_count", protocol="openai", tier="premium") == 4

    # Tokens and cost are the ledger's, call for call.
    rows = list(ledger.db.query("SELECT tier, input_tokens, output_tokens, cost_usd FROM calls WHERE user = 'alice'"))
    for tier in ("premium", "cheap"):
        mine = [row for row in rows if row["tier"] == tier]
        tokens = "agentrunner_gateway_tokens_total"
        assert value(found, tokens, tier=tier, user="alice", kind="input") == sum(r["input_tokens"] for r in mine)
        assert value(found, tokens, tier=tier, user="alice", kind="output") == sum(r["output_tokens"] for r in mine)
        cost = value(found, "agentrunner_gateway_cost_usd_total", tier=tier, user="alice")
        assert cost == pytest.approx(sum(r["cost_usd"] for r in mine))
    assert value(found, "agentrunner_gateway_in_flight") == 0
    # /metrics and /healthz are not requests of the API.
    assert not any(labels and dict(labels).get("protocol") == "other" for _, labels in found)


def test_user_labels_are_bounded(gateway, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    server, _ = gateway
    monkeypatch.setattr(metrics_module, "MAX_USERS", 2)
    for user in ("u1", "u2", "u3", "u4"):
        openai.OpenAI(
            base_url=f"{server.url}/v1", api_key=key_for(cli, "--user", user), max_retries=0
        ).chat.completions.create(model="cheap", messages=[{"role": "user", "content": "hi"}])
    found = samples(httpx.get(f"{server.url}/metrics").text)
    users = {dict(labels)["user"] for name, labels in found if name == "agentrunner_gateway_requests_total"}
    assert users == {"u1", "u2", "other"}
    assert (
        value(found, "agentrunner_gateway_requests_total", protocol="openai", tier="cheap", user="other", code="200")
        == 2
    )


def test_metrics_from_another_host_need_a_key(gateway, cli: Callable[..., Result]) -> None:
    """The peer address is what decides: an ASGI request from a non-loopback client."""
    server, _ = gateway
    key = key_for(cli, "--user", "prom")
    app = server.server.config.app

    def get(headers: dict[str, str]) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 5555))
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                return await client.get("/metrics", headers=headers)

        return asyncio.run(fetch())

    assert get({}).status_code == 401
    assert get({"authorization": "Bearer ar-nope"}).status_code == 401
    allowed = get({"authorization": f"Bearer {key}"})
    assert allowed.status_code == 200 and "agentrunner_gateway_requests_total" in allowed.text


WORKER = """
import sys
from agentrunner.chat import Usage
from agentrunner.server.metrics import GatewayMetrics
metrics = GatewayMetrics()
metrics.note_call("no-request", tier="cheap", user="ann", usage=Usage(input_tokens=int(sys.argv[1]), output_tokens=1),
                  cost_usd=0.5)
"""


def test_worker_processes_add_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --workers N`: each worker writes its values to PROMETHEUS_MULTIPROC_DIR and any of
    them answers /metrics with the sum."""
    directory = tmp_path / "metrics"
    directory.mkdir()
    env = {**__import__("os").environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    for tokens in ("10", "32"):
        subprocess.run([sys.executable, "-c", textwrap.dedent(WORKER), tokens], env=env, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    found = samples(metrics_module.GatewayMetrics().exposition().decode())
    assert value(found, "agentrunner_gateway_tokens_total", tier="cheap", user="ann", kind="input") == 42
    assert value(found, "agentrunner_gateway_cost_usd_total", tier="cheap", user="ann") == 1.0
