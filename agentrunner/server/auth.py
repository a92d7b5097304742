"""Where ``agentrunner serve`` gets its :class:`~.app.Authenticator` from: the key store
(:mod:`agentrunner.keys`, ``agentrunner keys create``)."""

from __future__ import annotations

from ..config import Config
from ..keys import KeyCache, KeyStore
from ..ledger import Ledger
from .callers import Authenticator, Caller


class KeyAuthenticator:
    """Gateway keys (``ar-…``) → callers: the key's user, team, id and caps. Each key's row is
    cached for a second (:data:`agentrunner.keys.REVOKE_SECONDS`): a request costs one HMAC, and a
    revoked key is refused by every worker within a second of ``agentrunner keys revoke``."""

    def __init__(self, ledger: Ledger) -> None:
        self.keys = KeyCache(KeyStore(ledger))

    def authenticate(self, token: str) -> Caller | None:
        key = self.keys.verify(token)
        if key is None:
            return None
        return Caller(
            user=key.user,
            team=key.team,
            key_id=key.id,
            key_daily_usd=key.daily_usd,
            key_monthly_usd=key.monthly_usd,
        )


def default_authenticator(config: Config, ledger: Ledger) -> Authenticator:
    """The key store's authenticator (keys in the ledger database)."""
    return KeyAuthenticator(ledger)
