"""simonw's ``llm`` CLI as a real client of the gateway: an OpenAI-compatible model in its
extra-openai-models.yaml (in a temporary LLM_USER_PATH) pointed at ``agentrunner serve``'s app on
loopback, served by the embedded Gemma tier. Streamed (llm's default) and not."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.server.app import create_app
from tests.support.gateway_server import GatewayServer

pytestmark = pytest.mark.model

LLM = Path(sys.executable).with_name("llm")


@pytest.fixture
def gateway(isolated_home: Any) -> Iterator[tuple[GatewayServer, Ledger]]:
    config = load_config()
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        yield server, ledger
    ledger.close()


@pytest.mark.skipif(not LLM.exists() and shutil.which("llm") is None, reason="llm is not installed (dev extra)")
def test_llm_cli_prompts_through_the_gateway(gateway: tuple[GatewayServer, Ledger], tmp_path: Path) -> None:
    server, ledger = gateway
    user_path = tmp_path / "llm"
    user_path.mkdir()
    (user_path / "extra-openai-models.yaml").write_text(
        f"- model_id: gw-local\n  model_name: local\n  api_base: {server.url}/v1\n  api_key_name: agentrunner\n",
        "utf-8",
    )
    (user_path / "keys.json").write_text('{"agentrunner": "not-checked-with-no-auth"}', "utf-8")
    env = {**os.environ, "LLM_USER_PATH": str(user_path)}
    llm = str(LLM if LLM.exists() else shutil.which("llm"))
    for extra in ([], ["--no-stream"]):
        result = subprocess.run(
            [llm, "-m", "gw-local", "-o", "max_tokens", "8", *extra, "Name one primary colour."],
            env=env, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()
    rows = [dict(r) for r in ledger.db.query("SELECT * FROM calls ORDER BY rowid")]
    assert [(r["source"], r["tier"], r["status"], r["partial"]) for r in rows] == [("gateway", "local", "ok", 0)] * 2
    assert all(r["client"] and r["client"].startswith("OpenAI/Python") for r in rows)
    assert rows[0]["response_text"].strip() and rows[0]["output_tokens"] <= 8
