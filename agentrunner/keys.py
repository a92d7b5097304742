"""Gateway keys: who may call ``agentrunner serve``, on whose budget.

A key is ``ar-<id>_<secret>``: ``id`` (12 base32 characters, public: it is in ``keys list``, in the
ledger's ``key_id`` column and in budget messages) names the row; ``secret`` is 32 random bytes
(256 bits, URL-safe base64). Only a hash of the secret is stored, and the whole key is shown once,
by :meth:`KeyStore.create`.

The hash is HMAC-SHA256 under a fixed domain key, not a slow password hash: a slow hash protects
guessable passwords, and a 256-bit random secret cannot be guessed however fast each try is — so
verification costs a microsecond, not the 50-100 ms of bcrypt/argon2 on every request. The stored
and computed hashes are compared in constant time (:func:`hmac.compare_digest`); the id lookup
leaks nothing, since ids are public.

Keys live in the ledger database (table ``api_keys``, migration m006), beside the calls their caps
are checked against.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .budgets import Spender
from .errors import LedgerError, UsageError
from .ledger import Ledger, utcnow

log = logging.getLogger(__name__)

TOKEN_PREFIX = "ar-"
_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case: no i, l, o, u
_ID_LENGTH = 12
_SECRET_BYTES = 32
_HASH_KEY = b"agentrunner gateway key v1"
_HASH_SCHEME = "hmac-sha256:"
_TOKEN = re.compile(rf"^{TOKEN_PREFIX}([{_ID_ALPHABET}]{{{_ID_LENGTH}}})_([A-Za-z0-9_-]{{43}})$")
_NAME_MAX = 200
_COLUMNS = "id, name, user, team, daily_usd, monthly_usd, secret_hash, created, last_used, revoked"


@dataclass(frozen=True)
class ApiKey:
    """One row of ``api_keys`` (the secret's hash stays in the store)."""

    id: str
    user: str
    team: str | None
    name: str | None
    daily_usd: float | None
    monthly_usd: float | None
    created: str
    last_used: str | None
    revoked: str | None

    @property
    def active(self) -> bool:
        return self.revoked is None

    def spender(self) -> Spender:
        """Who pays for this key's calls: its user, team and the key's own caps."""
        return Spender(
            user=self.user,
            team=self.team,
            key_id=self.id,
            key_daily_usd=self.daily_usd,
            key_monthly_usd=self.monthly_usd,
        )


@dataclass(frozen=True)
class NewKey:
    """A key just created: ``token`` is the only copy of the secret."""

    key: ApiKey
    token: str


def hash_secret(secret: str) -> str:
    return _HASH_SCHEME + hmac.new(_HASH_KEY, secret.encode(), hashlib.sha256).hexdigest()


def parse_token(token: str) -> tuple[str, str] | None:
    """``(id, secret)`` of a well-formed key, else None."""
    match = _TOKEN.match(token.strip())
    return (match.group(1), match.group(2)) if match else None


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret).encode(), stored_hash.encode())


def _check_cap(name: str, value: float | None) -> None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise UsageError(f"{name} must be a finite number ≥ 0, got {value}")


def _check_label(option: str, value: str | None, *, required: bool = False) -> None:
    if value is None:
        if required:
            raise UsageError(f"{option} is required")
        return
    if not value.strip() or len(value) > _NAME_MAX or not value.isprintable():
        raise UsageError(f"{option} must be 1-{_NAME_MAX} printable characters, got {value!r}")


class KeyStore:
    """Create, list, revoke and verify gateway keys in a ledger database."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def create(
        self,
        *,
        user: str,
        team: str | None = None,
        daily_usd: float | None = None,
        monthly_usd: float | None = None,
        name: str | None = None,
    ) -> NewKey:
        _check_label("--user", user, required=True)
        _check_label("--team", team)
        _check_label("--name", name)
        _check_cap("--daily-usd", daily_usd)
        _check_cap("--monthly-usd", monthly_usd)
        key_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))
        secret = secrets.token_urlsafe(_SECRET_BYTES)
        key = ApiKey(
            id=key_id,
            user=user,
            team=team,
            name=name,
            daily_usd=daily_usd,
            monthly_usd=monthly_usd,
            created=utcnow(),
            last_used=None,
            revoked=None,
        )
        self.ledger.execute_write(
            f"INSERT INTO api_keys ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            (key.id, key.name, key.user, key.team, key.daily_usd, key.monthly_usd, hash_secret(secret), key.created),
        )
        return NewKey(key, f"{TOKEN_PREFIX}{key_id}_{secret}")

    def list(self, *, include_revoked: bool = True) -> list[ApiKey]:
        where = "" if include_revoked else " WHERE revoked IS NULL"
        return [_key(row) for row in self.ledger.fetch_all(f"SELECT {_COLUMNS} FROM api_keys{where} ORDER BY created")]

    def get(self, key_id: str) -> ApiKey | None:
        found = self._row(key_id)
        return _key(found) if found else None

    def find(self, key_id: str) -> ApiKey:
        """The key with this id or a unique id prefix (``keys revoke``), else UsageError."""
        key_id = key_id.strip().removeprefix(TOKEN_PREFIX).split("_", 1)[0]
        if not key_id:
            raise UsageError("no key id given")
        pattern = key_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.ledger.fetch_all(
            f"SELECT {_COLUMNS} FROM api_keys WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 2", (key_id, pattern)
        )
        exact = [row for row in rows if row["id"] == key_id]
        if exact:
            return _key(exact[0])
        if len(rows) == 1:
            return _key(rows[0])
        if not rows:
            raise UsageError(f"no key with id {key_id!r} (see `agentrunner keys list`)")
        raise UsageError(f"key id {key_id!r} is ambiguous: give more characters")

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (idempotent: a revoked key keeps its first revocation time)."""
        key = self.find(key_id)
        if key.revoked is None:
            self.ledger.execute_write(
                "UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked IS NULL", (utcnow(), key.id)
            )
        found = self.get(key.id)
        assert found is not None
        return found

    def verify(self, token: str) -> ApiKey | None:
        """The active key this token is, or None (malformed, unknown, wrong secret, revoked)."""
        parsed = parse_token(token)
        if parsed is None:
            return None
        row = self._row(parsed[0])
        if row is None or not secret_matches(parsed[1], str(row["secret_hash"])) or row["revoked"] is not None:
            return None
        return _key(row)

    def lookup(self, key_id: str) -> tuple[ApiKey, str] | None:
        """A key and its stored hash (for an authenticator's cache)."""
        row = self._row(key_id)
        return (_key(row), str(row["secret_hash"])) if row else None

    def touch(self, key_id: str, when: str | None = None) -> None:
        """Record that the key was used (callers throttle this: it is a write)."""
        self.ledger.execute_write("UPDATE api_keys SET last_used = ? WHERE id = ?", (when or utcnow(), key_id))

    def _row(self, key_id: str) -> dict[str, Any] | None:
        return self.ledger.fetch_one(f"SELECT {_COLUMNS} FROM api_keys WHERE id = ?", (key_id,))


REVOKE_SECONDS = 1.0
"""How long a key's row is cached by :class:`KeyCache`: a revoked key is refused by every gateway
worker at most this long after ``agentrunner keys revoke`` returns."""
TOUCH_SECONDS = 60.0
"""``last_used`` is written at most this often per key and process (it is a write, on the request path)."""


class KeyCache:
    """:meth:`KeyStore.verify` for a server: each key's row cached for :data:`REVOKE_SECONDS`, so a
    request costs one HMAC and a dictionary lookup, and a revocation is still seen within a second.

    Only ids that exist are cached (at most one entry per key in the table); a revoked row is
    cached too, so a revoked key's retries cost no database reads either. Thread-safe.
    """

    def __init__(
        self,
        store: KeyStore,
        *,
        ttl_s: float = REVOKE_SECONDS,
        touch_every_s: float = TOUCH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self.touch_every_s = touch_every_s
        self._clock = clock
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[ApiKey, str, float]] = {}  # id → (key, stored hash, fetched at)
        self._touched: dict[str, float] = {}

    def verify(self, token: str) -> ApiKey | None:
        parsed = parse_token(token)
        if parsed is None:
            return None
        key_id, secret = parsed
        now = self._clock()
        with self._lock:
            cached = self._rows.get(key_id)
        if cached is None or now - cached[2] >= self.ttl_s:
            found = self.store.lookup(key_id)
            if found is None:
                with self._lock:
                    self._rows.pop(key_id, None)
                return None
            cached = (found[0], found[1], now)
            with self._lock:
                self._rows[key_id] = cached
        key, stored_hash, _ = cached
        if not secret_matches(secret, stored_hash) or not key.active:
            return None
        self._touch(key_id, now)
        return key

    def _touch(self, key_id: str, now: float) -> None:
        with self._lock:
            last = self._touched.get(key_id)
            if last is not None and now - last < self.touch_every_s:
                return
            self._touched[key_id] = now
        try:
            self.store.touch(key_id)
        except LedgerError as exc:  # last_used is informational: a busy ledger must not refuse a valid key
            log.warning("could not record that key %s was used: %s", key_id, exc)


def _key(row: dict[str, Any]) -> ApiKey:
    def text(value: object) -> str | None:
        return None if value is None else str(value)

    def number(value: object) -> float | None:
        return None if value is None else float(value)  # type: ignore[arg-type]

    return ApiKey(
        id=str(row["id"]),
        name=text(row["name"]),
        user=str(row["user"]),
        team=text(row["team"]),
        daily_usd=number(row["daily_usd"]),
        monthly_usd=number(row["monthly_usd"]),
        created=str(row["created"]),
        last_used=text(row["last_used"]),
        revoked=text(row["revoked"]),
    )


__all__ = [
    "REVOKE_SECONDS",
    "TOKEN_PREFIX",
    "ApiKey",
    "KeyCache",
    "KeyStore",
    "NewKey",
    "hash_secret",
    "parse_token",
    "secret_matches",
]
