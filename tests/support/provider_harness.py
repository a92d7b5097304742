"""Small helpers shared by the provider and fault tests: a gateway over a real ledger file with a
recording ``sleep``, and the ledger rows of a test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentrunner.chat import ChatRequest, Message
from agentrunner.config import Config, parse_config
from agentrunner.gateway import CallContext, Gateway
from agentrunner.ledger import Ledger
from agentrunner.providers.base import Provider


@dataclass
class Harness:
    gateway: Gateway
    ledger: Ledger
    sleeps: list[float] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        return list(self.ledger.iter_calls(order_by="ts_start, attempt"))

    def ask(self, tier: str, prompt: str = "ping", **request: Any) -> Any:
        chat = ChatRequest(messages=[Message(role="user", content=prompt)], **request)
        return self.gateway.call(tier, chat, CallContext(run_id="run-test", step_kind="act"))


def harness(toml: str, tmp_path: Path, *, providers: Callable[[Config], dict[str, Provider]] | None = None) -> Harness:
    """A gateway for ``toml`` writing to ``tmp_path/ledger.db``; sleeps are recorded, not slept.
    ``providers`` builds ready-made providers from the parsed config (e.g. one over a mock transport)."""
    config = parse_config(toml, source_path=tmp_path / "routes.toml")
    ledger = Ledger(tmp_path / "ledger.db", redact=config.ledger.patterns())
    sleeps: list[float] = []
    gateway = Gateway(config, ledger, providers=providers(config) if providers else None, sleep=sleeps.append, seed=1)
    return Harness(gateway, ledger, sleeps)
