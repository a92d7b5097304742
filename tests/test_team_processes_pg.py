"""One PostgreSQL ledger, real processes: ``agentrunner serve --workers 4`` plus two ``agentrunner
run --jobs 4`` (separate projects, the same user), all spending against one user's daily cap at
once; and ``kill -9`` of a serve worker in the middle of requests.

The upstream is the loopback OpenAI-compatible server of tests/support (chaos_server, every answer
``ok``): it counts what it answered, so "no ledger row lost or doubled" is checked against what
was really paid for. Budgets, reservations and the ledger are what is tested.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agentrunner.budgets import budget_status
from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from tests.support.chaos_server import ChaosServer

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]
LEASE_S = 2.0
# Usage the upstream reports: 1 token in (never more than the request's own, so a reservation's
# estimate of the prompt covers it), 20 out (max_tokens is 32): $0.101 at 1000/5000 $ per M tokens.
USAGE = (1, 20)
CALL_COST = 0.101


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def project(root: Path, upstream: ChaosServer, cap: float, items: int) -> Path:
    (root / "tasks").mkdir(parents=True)
    (root / "routes.toml").write_text(
        upstream.tier_toml("premium", timeout=30.0, max_retries=0)
        + f'\n[ledger]\nuser = "ana"\n\n[budgets.users.ana]\ndaily_usd = {cap}\n',
        "utf-8",
    )
    (root / "tasks" / "todo.md").write_text(
        "# Work\n\n" + "".join(f"- [ ] Write one line about the number {n}\n" for n in range(items)), "utf-8"
    )
    return root


def env_for(root: Path, pg_url: str, lease: float | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "OPENAI_API_KEY"}
    env.update(
        PYTHONPATH=str(ROOT),
        AGENTRUNNER_CONFIG=str(root / "routes.toml"),
        AGENTRUNNER_DIR=str(root / ".agentrunner"),
        AGENTRUNNER_LEDGER_URL=pg_url,
        NO_COLOR="1",
    )
    if lease is not None:  # a short lease (the kill test): a live holder must still renew in time
        env["AGENTRUNNER_RESERVATION_LEASE_S"] = str(lease)
    return env


def agentrunner(*args: str, cwd: Path, env: dict[str, str], **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "agentrunner", *args], cwd=cwd, env=env, text=True, **popen
    )


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (uvicorn's workers of a ``serve --workers N``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Serve:
    """``agentrunner serve --workers N`` on a free port, until stopped."""

    def __init__(self, root: Path, env: dict[str, str], workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(root / "serve.log", "w")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.process = agentrunner(
            "serve", "--port", str(self.port), "--workers", str(workers), "--log-level", "warning",
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if len(children(self.process.pid)) >= workers and httpx.get(f"{self.url}/v1/models").status_code:
                    break
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("serve did not start: " + (root / "serve.log").read_text())
            time.sleep(0.2)

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


@pytest.fixture
def upstream() -> Iterator[ChaosServer]:
    with ChaosServer(seed=15, mix={"ok": 1.0}, usage=USAGE) as server:
        yield server


def create_key(root: Path, env: dict[str, str]) -> str:
    made = agentrunner("keys", "create", "--user", "ana", cwd=root, env=env, stdout=subprocess.PIPE)
    out, _ = made.communicate(timeout=60)
    assert made.returncode == 0, out
    return out.strip().splitlines()[0]


def ask(url: str, key: str, number: int) -> int:
    try:
        answer = httpx.post(
            f"{url}/v1/chat/completions",
            headers={"Authorization": f"Bearer {key}"},
            json={"model": "premium", "messages": [{"role": "user", "content": f"hi {number}"}]},
            timeout=60,
        )
    except httpx.HTTPError:  # the worker that had it was killed
        return 0
    return answer.status_code


@pytest.mark.parametrize(
    ("requests", "workers", "items", "lease"),
    [
        (40, 2, 3, None),
        pytest.param(400, 4, 16, None, marks=pytest.mark.slow),
        # A 2 s lease for every process and answers that take 3 s: every call outlives its lease,
        # so its reservation holds only if renewals keep up with 64 concurrent requests (they
        # waited for the requests' connection pool and did not: live reservations expired).
        pytest.param(400, 4, 16, LEASE_S, marks=pytest.mark.slow, id="400-4-16-short-lease"),
    ],
)
def test_serve_workers_and_runs_share_one_users_cap(
    tmp_path: Path, upstream: ChaosServer, pg_url: str, requests: int, workers: int, items: int, lease: float | None
) -> None:
    if lease is not None:
        with ChaosServer(seed=15, mix={"ok": 1.0}, usage=USAGE, ok_delay=1.5 * lease) as slow:
            share_one_users_cap(tmp_path, slow, pg_url, requests, workers, items, lease)
    else:
        share_one_users_cap(tmp_path, upstream, pg_url, requests, workers, items, lease)


def share_one_users_cap(
    tmp_path: Path, upstream: ChaosServer, pg_url: str, requests: int, workers: int, items: int, lease: float | None
) -> None:
    cap = round(requests * CALL_COST / 3, 2)  # about a third of what everything would cost
    gateway_root = project(tmp_path / "gateway", upstream, cap, 0)
    run_roots = [project(tmp_path / f"laptop{n}", upstream, cap, items) for n in range(2)]
    env = env_for(gateway_root, pg_url, lease=lease)
    key = create_key(gateway_root, env)
    serve = Serve(gateway_root, env, workers)
    try:
        runs = [
            agentrunner("run", "--jobs", "4", "--quiet", cwd=root, env=env_for(root, pg_url, lease=lease),
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for root in run_roots
        ]  # fmt: skip
        # The runs take seconds to start (the agent's imports): the requests go once they spend,
        # so the three kinds of spender really race for the cap.
        watcher, deadline = Ledger(pg_url), time.monotonic() + 120
        while watcher.count_calls("source = 'agentrunner'") == 0 and time.monotonic() < deadline:
            if all(run.poll() is not None for run in runs):
                break
            time.sleep(0.2)
        with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
            codes = list(pool.map(lambda n: ask(serve.url, key, n), range(requests)))
        outputs = [run.communicate(timeout=300)[0] for run in runs]
    finally:
        serve.stop()
    ledger = Ledger(pg_url)
    got = ledger.fetch_one(
        "SELECT coalesce(sum(cost_usd), 0) AS spent, count(*) AS rows, count(DISTINCT id) AS ids, "
        "sum(CASE WHEN source = 'gateway' THEN 1 ELSE 0 END) AS gateway FROM calls WHERE user = 'ana'"
    )
    assert got is not None
    answered = upstream.chat_requests
    print(
        f"spend/cap = {got['spent'] / cap:.3f} (${got['spent']:.2f} of ${cap:.2f}); upstream answered {answered}, "
        f"ledger rows {got['rows']} ({got['gateway']} gateway); HTTP {codes.count(200)} answered, "
        f"{codes.count(429)} refused; runs exited {[run.returncode for run in runs]}"
    )
    by_status = ledger.fetch_all(
        "SELECT source, status, count(*) AS n, sum(cost_usd) AS cost, min(error) AS error FROM calls GROUP BY 1, 2"
    )
    print(sorted((code, codes.count(code)) for code in set(codes)), by_status)
    assert got["spent"] <= cap + 1e-9
    assert set(codes) <= {200, 429} and codes.count(429) > 0 and codes.count(200) > 0
    assert got["gateway"] == codes.count(200)
    assert got["rows"] == got["ids"] == answered  # every paid call is one row: none lost, none doubled
    assert got["rows"] > got["gateway"], outputs  # the runs spent too
    assert all(run.returncode in (0, 1, 3) for run in runs), outputs
    assert ledger.fetch_all("SELECT id FROM reservations") == []


@pytest.mark.slow
def test_kill_9_of_a_serve_worker_mid_request(tmp_path: Path, pg_url: str) -> None:
    """Requests held 1.5 s upstream; one worker killed while they are in flight. Its reservations
    stop being renewed and expire within the lease; every row written is counted once; the calls
    the dead worker had in flight are the only ones answered upstream without a row."""
    with ChaosServer(seed=16, mix={"ok": 1.0}, ok_delay=1.5, usage=USAGE) as slow:
        root = project(tmp_path / "gateway", slow, 100.0, 0)
        env = env_for(root, pg_url, lease=LEASE_S)
        key = create_key(root, env)
        serve = Serve(root, env, 2)
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
                pending = [pool.submit(ask, serve.url, key, n) for n in range(16)]
                deadline = time.monotonic() + 30
                while slow.chat_requests < 12 and time.monotonic() < deadline:
                    time.sleep(0.05)
                ledger = Ledger(pg_url)
                held = ledger.fetch_all("SELECT id, pid FROM reservations")
                holders = [row["pid"] for row in held if row["pid"] in serve.workers()]
                victim = max(set(holders), key=holders.count)  # a worker mid-request
                os.kill(victim, signal.SIGKILL)
                codes = [future.result() for future in pending]
            killed_held = [row["id"] for row in held if row["pid"] == victim]
            assert killed_held, held  # the victim was mid-request
            config = load_config(root / "routes.toml")
            time.sleep(LEASE_S + 1.0)
            status = budget_status(config, ledger)  # expires lapsed leases on the way
            left = ledger.fetch_all("SELECT id FROM reservations")
        finally:
            serve.stop()
        rows = ledger.fetch_one("SELECT count(*) AS rows, count(DISTINCT id) AS ids, sum(cost_usd) AS spent FROM calls")
        assert rows is not None
        print(f"killed worker held {len(killed_held)} reservations; HTTP {codes.count(200)} answered, "
              f"{codes.count(0)} cut; upstream {slow.chat_requests}; rows {rows['rows']}")  # fmt: skip
        assert left == []  # the dead worker's reservations expired; the living released theirs
        assert status[0].reserved_usd == 0.0
        assert rows["rows"] == rows["ids"] == codes.count(200)  # one row per answered request, none doubled
        assert status[0].spent_usd == pytest.approx(rows["spent"])
        assert slow.chat_requests - rows["rows"] <= len(killed_held)  # only the victim's calls went unrecorded
