"""Gateway keys: created once and shown once, stored as a hash, listed without secrets, revoked.
Real SQLite ledger files and the real CLI."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from agentrunner.config import load_config
from agentrunner.errors import UsageError
from agentrunner.keys import TOKEN_PREFIX, KeyStore, hash_secret, parse_token
from agentrunner.ledger import Ledger


@pytest.fixture
def store(isolated_home: Path) -> KeyStore:
    return KeyStore(Ledger.for_config(load_config()))


def test_a_key_is_shown_once_and_only_its_hash_is_stored(store: KeyStore) -> None:
    created = store.create(user="alice", team="core", daily_usd=20.0, monthly_usd=300.0, name="laptop")
    token = created.token
    assert token.startswith(TOKEN_PREFIX + created.key.id + "_")
    parsed = parse_token(token)
    assert parsed is not None and parsed[0] == created.key.id
    secret = parsed[1]
    assert len(secret) == 43  # 32 random bytes, URL-safe base64: 256 bits
    # Nothing in the database file holds the secret or the token; the hash is there.
    store.ledger.close()
    raw = b"".join(p.read_bytes() for p in store.ledger.path.parent.glob("ledger.db*"))
    assert secret.encode() not in raw and token.encode() not in raw
    assert hash_secret(secret).encode() in raw


def test_verify_accepts_the_key_and_nothing_near_it(store: KeyStore) -> None:
    created = store.create(user="alice")
    key_id, secret = parse_token(created.token) or ("", "")
    found = store.verify(created.token)
    assert found is not None and found.user == "alice" and found.id == key_id
    assert store.verify(f"  {created.token}\n") is not None  # pasted with whitespace
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    for bad in (
        f"{TOKEN_PREFIX}{key_id}_{wrong}",  # one character of the secret changed
        f"{TOKEN_PREFIX}{'0' * 12}_{secret}",  # the secret under another id
        created.token[:-1],  # truncated
        created.token + "x",
        "",
        "Bearer " + created.token,
        secret,
    ):
        assert store.verify(bad) is None, bad


def test_two_keys_differ_and_ids_are_unique(store: KeyStore) -> None:
    tokens = {store.create(user="alice").token for _ in range(20)}
    assert len(tokens) == 20
    assert len({parse_token(t)[0] for t in tokens if parse_token(t)}) == 20  # type: ignore[index]


def test_revoked_keys_are_refused_and_revocation_is_idempotent(store: KeyStore) -> None:
    created = store.create(user="bob")
    revoked = store.revoke(created.key.id[:5])  # a unique prefix works
    assert revoked.revoked is not None and not revoked.active
    assert store.verify(created.token) is None
    again = store.revoke(created.key.id)
    assert again.revoked == revoked.revoked  # the first revocation time stays
    assert store.revoke(created.token).revoked == revoked.revoked  # the key itself names its id


def test_unknown_and_ambiguous_ids_are_usage_errors(store: KeyStore) -> None:
    with pytest.raises(UsageError, match="no key with id 'nope'"):
        store.revoke("nope")
    with pytest.raises(UsageError, match="no key id"):
        store.revoke("   ")
    keys = [store.create(user="u").key.id for _ in range(40)]
    first = keys[0][0]
    if sum(k.startswith(first) for k in keys) > 1:  # 40 ids over 32 first letters: almost surely
        with pytest.raises(UsageError, match="ambiguous"):
            store.revoke(first)
    with pytest.raises(UsageError, match="no key"):
        store.revoke("%")  # LIKE wildcards are literal


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"user": ""}, "--user must be"),
        ({"user": "a\nb"}, "--user must be"),
        ({"user": "alice", "team": " "}, "--team must be"),
        ({"user": "alice", "daily_usd": -1.0}, "--daily-usd must be"),
        ({"user": "alice", "monthly_usd": math.inf}, "--monthly-usd must be"),
        ({"user": "alice", "name": "x" * 201}, "--name must be"),
    ],
)
def test_bad_fields_are_refused(store: KeyStore, fields: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        store.create(**fields)
    assert store.list() == []


def test_spender_carries_the_keys_caps(store: KeyStore) -> None:
    key = store.create(user="alice", team="core", daily_usd=2.5).key
    spender = key.spender()
    assert (spender.user, spender.team, spender.key_id) == ("alice", "core", key.id)
    assert (spender.key_daily_usd, spender.key_monthly_usd) == (2.5, None)


def test_cli_create_list_revoke(cli: Callable[..., Result], isolated_home: Path) -> None:
    made = cli("keys", "create", "--user", "alice", "--team", "core", "--daily-usd", "20", "--name", "laptop")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[0]
    assert parse_token(token) is not None
    assert "shown only this once" in made.stderr
    key_id = token[len(TOKEN_PREFIX) :].split("_", 1)[0]

    listed = cli("keys", "list")
    assert listed.exit_code == 0
    assert key_id in listed.stdout and "alice" in listed.stdout and "$20.00" in listed.stdout
    assert token.split("_", 1)[1] not in listed.stdout  # never the secret
    rows = [json.loads(line) for line in cli("keys", "list", "--json").stdout.splitlines()]
    assert rows[0]["id"] == key_id and rows[0]["daily_usd"] == 20.0 and rows[0]["last_used"] is None
    assert not any("hash" in name or "secret" in name for name in rows[0])

    revoked = cli("keys", "revoke", key_id)
    assert revoked.exit_code == 0 and f"revoked {key_id}" in revoked.stdout
    assert cli("keys", "list", "--active").stdout.count(key_id) == 0
    assert json.loads(cli("keys", "list", "--json").stdout)["revoked"] is not None


def test_cli_bad_input_is_one_line(cli: Callable[..., Result]) -> None:
    for args, text in (
        (["keys", "create", "--user", "a", "--daily-usd", "nan"], "not a finite number"),
        (["keys", "create", "--user", "a", "--monthly-usd", "-3"], "below 0"),
        (["keys", "create"], "--user"),
        (["keys", "revoke", "nope"], "no key with id 'nope'"),
    ):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert text in result.stderr and "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_create_json_prints_the_key_and_settings(cli: Callable[..., Result]) -> None:
    result = cli("keys", "create", "--user", "carol", "--monthly-usd", "300", "--json")
    data = json.loads(result.stdout)
    assert parse_token(data["key"]) is not None and data["monthly_usd"] == 300.0 and data["user"] == "carol"


def test_keys_table_is_created_by_migration(isolated_home: Path) -> None:
    ledger = Ledger.for_config(load_config())
    columns = {row[1] for row in ledger.db.execute("PRAGMA table_info(api_keys)").fetchall()}
    assert {"id", "user", "team", "daily_usd", "monthly_usd", "secret_hash", "last_used", "revoked"} <= columns
    assert "key_id" in {row[1] for row in ledger.db.execute("PRAGMA table_info(reservations)").fetchall()}
    ledger.close()
    with sqlite3.connect(ledger.path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY id")]
    assert names[-1] == "m006_api_keys" or "m006_api_keys" in names


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cache_sees_a_revocation_within_its_ttl(store: KeyStore) -> None:
    from agentrunner.keys import KeyCache

    clock = Clock()
    cache = KeyCache(store, ttl_s=1.0, clock=clock)
    created = store.create(user="alice")
    assert cache.verify(created.token) is not None
    # Revoked through another connection, as `agentrunner keys revoke` in another process does.
    other = KeyStore(Ledger(store.ledger.path))
    other.revoke(created.key.id)
    clock.now += 0.5
    assert cache.verify(created.token) is not None  # cached: still served for at most ttl_s
    clock.now += 0.5
    assert cache.verify(created.token) is None  # refetched: refused
    clock.now += 5
    assert cache.verify(created.token) is None


def test_cache_refuses_wrong_secrets_and_unknown_ids_without_caching_them(store: KeyStore) -> None:
    from agentrunner.keys import KeyCache

    cache = KeyCache(store, clock=Clock())
    created = store.create(user="alice")
    key_id, secret = parse_token(created.token) or ("", "")
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert cache.verify(f"{TOKEN_PREFIX}{key_id}_{wrong}") is None
    assert cache.verify(created.token) is not None  # the wrong secret did not poison the entry
    for n in range(50):
        assert cache.verify(f"{TOKEN_PREFIX}{str(n).zfill(12)}_{secret}") is None
    assert len(cache._rows) == 1


def test_last_used_is_written_once_a_minute_per_key(store: KeyStore) -> None:
    from agentrunner.keys import KeyCache

    clock = Clock()
    cache = KeyCache(store, clock=clock, touch_every_s=60)
    created = store.create(user="alice")
    assert store.get(created.key.id).last_used is None  # type: ignore[union-attr]
    cache.verify(created.token)
    first = store.get(created.key.id).last_used  # type: ignore[union-attr]
    assert first is not None
    clock.now += 30
    cache.verify(created.token)
    assert store.get(created.key.id).last_used == first  # type: ignore[union-attr]
    clock.now += 31
    cache.verify(created.token)
    assert store.get(created.key.id).last_used > first  # type: ignore[union-attr,operator]


def test_revoke_from_the_cli_is_refused_by_a_live_cache_within_a_second(
    store: KeyStore, cli: Callable[..., Result]
) -> None:
    """Real time, real CLI: the promise in `keys revoke --help` and docs/gateway.md."""
    import time

    from agentrunner.keys import REVOKE_SECONDS, KeyCache

    cache = KeyCache(store)
    created = store.create(user="alice")
    assert cache.verify(created.token) is not None
    assert cli("keys", "revoke", created.key.id).exit_code == 0
    revoked_at = time.monotonic()
    while True:
        asked = time.monotonic()  # a verify that began within the second may end after it (load)
        if cache.verify(created.token) is None:
            break
        assert asked - revoked_at < REVOKE_SECONDS + 0.5
        time.sleep(0.02)
