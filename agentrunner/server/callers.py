"""Who calls the gateway: :class:`Caller`, the :class:`Authenticator` protocol that finds one for
a presented key, and the :class:`RequestContext` of one HTTP request (what the call path records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Caller:
    """Who is calling: recorded on every ledger row, and whose caps apply."""

    user: str | None
    team: str | None = None
    key_id: str | None = None
    anonymous: bool = False
    key_daily_usd: float | None = None  # the key's own caps (agentrunner keys create --daily-usd …)
    key_monthly_usd: float | None = None


class Authenticator(Protocol):
    """Turns a presented token into a caller; None when it is not a valid key (unknown, revoked)."""

    def authenticate(self, token: str) -> Caller | None: ...


@dataclass(frozen=True)
class RequestContext:
    """One HTTP request as the call path sees it."""

    caller: Caller
    request_id: str
    client: str | None  # the User-Agent, e.g. "claude-cli/2.1.3 (external, cli)"
    protocol: str  # "openai" | "anthropic"
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names (anthropic-beta …)
