"""The default secret rules (agentrunner/redaction.py): every rule on realistic samples, the
context each keeps, and a corpus of innocent strings (hashes, UUIDs, git SHAs, ULIDs, ids, paths,
prose) that must come out unchanged. End-to-end coverage (ledger, state.db, results, logs) is in
tests/test_secrets.py."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentrunner.ledger import Ledger, new_id
from agentrunner.redaction import DEFAULT_RULES, REDACTED, Redactor, empty_match_problem

REDACT = Redactor(DEFAULT_RULES)

# Fake secrets (made up; the shapes of real ones). Kept in one table: test_secrets.py seeds a real
# run with them.
PEM_BODY = "MIIEowIBAAKCAQEA7bq9Xs0kFAKEFAKEb0dyQ2w3e4r5t6y7u8i9o0p\nZm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy\n"
SAMPLES: dict[str, tuple[str, str]] = {
    # rule: (text holding a secret, the secret part that must be gone)
    "private-key": (
        f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}-----END RSA PRIVATE KEY-----",
        "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy",
    ),
    "private-key-openssh": (
        f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}-----END OPENSSH PRIVATE KEY-----",
        "MIIEowIBAAKCAQEA7bq9Xs0kFAKEFAKEb0dyQ2w3e4r5t6y7u8i9o0p",
    ),
    "jwt": (
        "token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkZha2UifQ."
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ),
    "url-credentials": ("DATABASE_URL=postgres://admin:Fake-PW-7731@db.internal:5432/app", "Fake-PW-7731"),
    "slack-webhook": (
        "notify https://hooks.slack.com/services/T0FAKE000/B0FAKE000/FAKEzIAQanX4cGzNYpJ8Z6Bi",
        "FAKEzIAQanX4cGzNYpJ8Z6Bi",
    ),
    "slack-token": ("xoxb-781236542736-2364535789652-FAKEDQoHqzXDVsC6GzqYUypD", "FAKEDQoHqzXDVsC6GzqYUypD"),
    "slack-user-token": ("xoxp-41684372915-1320496754-45609968301-fake8ba56e1517a99f6b5fb0734947", "fake8ba56e15"),
    "aws-access-key-id": ("AKIAFAKE1234567890AB", "AKIAFAKE1234567890AB"),
    "aws-sts-key-id": ("ASIAFAKE2345678901CD", "ASIAFAKE2345678901CD"),
    "aws-secret-access-key": (
        "aws_secret_access_key = FAKEalrXUtnFEMI/K7MDENG/bPxRfiCY1zAMPLEK",
        "FAKEalrXUtnFEMI/K7MDENG/bPxRfiCY1zAMPLEK",
    ),
    "aws-secret-access-key-env": (
        "export AWS_SECRET_ACCESS_KEY=lbqlNh3FW5/3AwnBoFAKEJam9w2Us4ZOH5Un8RyR",
        "lbqlNh3FW5/3AwnBoFAKEJam9w2Us4ZOH5Un8RyR",
    ),
    "aws-secret-access-key-json": (
        '{"AccessKeyId": "x", "SecretAccessKey": "q8FAKEd9Zk2LmN0pQ4rS6tU8vW1xY3zA5bC7dE9f"}',
        "q8FAKEd9Zk2LmN0pQ4rS6tU8vW1xY3zA5bC7dE9f",
    ),
    "aws-secret-access-key-bare": (
        "the key is 7hFAKEq2Lx9Vb4Nz1Rk8Pw3Ys6Ud0Ma5Gc/Te+Ji now",
        "7hFAKEq2Lx9Vb4Nz1Rk8Pw3Ys6Ud0",
    ),
    "openai": ("sk-proj-FAKEo1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV", "FAKEo1B2c3D4e5F6g7H8i9J0k"),
    "anthropic": ("sk-ant-api03-FAKEaBcDeFgHiJkLmNoPqRsTuVwXyZ012345", "FAKEaBcDeFgHiJkLmNoPqRs"),
    "stripe-live": ("STRIPE=sk_live_FAKE4eC39HqLyjWDarjtT1zdp7dc", "FAKE4eC39HqLyjWDarjtT1zdp7dc"),
    "stripe-restricted": ("rk_live_FAKE4eC39HqLyjWDarjtT1zdp7dc", "FAKE4eC39HqLyjWDarjtT1zdp7dc"),
    "github": ("ghp_FAKEabcdefghijklmnopqrstuvwxyz0123456789", "FAKEabcdefghijklmnopqrstuvwxyz"),
    "github-pat": ("github_pat_FAKE11ABCDEFGHIJKLMNOPQRSTUV_abcdefghij", "FAKE11ABCDEFGHIJKLMNOPQRSTUV"),
    "gitlab": ("glpat-FAKEx1y2z3a4b5c6d7e8f9", "FAKEx1y2z3a4b5c6d7e8f9"),
    "huggingface": ("HF_TOKEN=hf_FAKEaQngSHiHDRYOcsMcifUcysGyaiybUW", "hf_FAKEaQngSHiHDRYOcsMcifUcysGyaiybUW"),
    "google-api-key": ("AIzaFAKEaBcDeFgHiJkLmNoPqRsTuVwXyZ01234", "AIzaFAKEaBcDeFgHiJkLmNoPqRsTuVwXyZ01234"),
    "google-oauth": ("Authorization token ya29.a0FAKEH6SMBx3v7Kq-long_token_value_0123", "a0FAKEH6SMBx3v7Kq"),
    "bearer": ("Authorization: Bearer FAKEabcdefghijklmnopqrstuvwxyz012345", "FAKEabcdefghijklmnopqrstuvwxyz012345"),
    "password": ("connect with password=FakeHunter2!", "FakeHunter2!"),
    "passwd-quoted": ("passwd: 'fake horse battery staple'", "fake horse battery staple"),
    "secret-assignment": ('client_secret = "FAKE-client-secret-99"', "FAKE-client-secret-99"),
    "password-json": ('{"user": "ada", "password": "FakePW with spaces"}', "FakePW with spaces"),
    "password-json-in-json": (json.dumps({"content": 'config {"db_password": "FakeNested9"}'}), "FakeNested9"),
}

# What each rule keeps around the secret: context a reader needs.
KEPT = {
    "url-credentials": "DATABASE_URL=postgres://admin:[REDACTED]@db.internal:5432/app",
    "slack-webhook": "notify https://hooks.slack.com/services/[REDACTED]",
    "aws-secret-access-key": "aws_secret_access_key = [REDACTED]",
    "password": "connect with password=[REDACTED]",
    "passwd-quoted": "passwd: '[REDACTED]'",
    "secret-assignment": 'client_secret = "[REDACTED]"',
    "password-json": '{"user": "ada", "password": "[REDACTED]"}',
    "private-key": "[REDACTED]",
    "bearer": "Authorization: [REDACTED]",
    "huggingface": "HF_TOKEN=[REDACTED]",
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_rule_removes_its_secret(name: str) -> None:
    text, secret = SAMPLES[name]
    redacted = REDACT(f"before {text} after") or ""
    assert secret not in redacted, redacted
    assert REDACTED in redacted
    assert redacted.startswith("before ") and redacted.endswith(" after"), redacted
    assert REDACT(redacted) == redacted, "redacting twice changes the text"


@pytest.mark.parametrize("name", sorted(KEPT))
def test_rules_keep_the_context(name: str) -> None:
    assert REDACT(SAMPLES[name][0]) == KEPT[name]


def test_a_truncated_private_key_is_removed_to_its_end() -> None:
    """A tool output cut off mid-key (no END line) still loses the whole body."""
    text = f"cat id_rsa\n-----BEGIN PRIVATE KEY-----\n{PEM_BODY}"
    assert REDACT(text) == "cat id_rsa\n[REDACTED]\n"
    rejoined = " | ".join(f"-----BEGIN EC PRIVATE KEY-----\n{PEM_BODY}".splitlines())[:-3]  # a model's echo
    assert "MIIEow" not in (REDACT(f"{rejoined}\n```") or "") and "Zm9vYmFy" not in (REDACT(rejoined) or "")
    escaped = json.dumps(text)  # in a request's JSON the newlines are \\n
    assert "Zm9vYmFy" not in (REDACT(escaped) or "")


def _innocent() -> list[str]:
    digest = hashlib.sha256(b"agentrunner").hexdigest()
    return [
        digest,
        hashlib.sha1(b"x").hexdigest(),  # a git SHA
        "commit 4f2a9c1 (HEAD -> main)",
        str(uuid.UUID(int=0x12345678_1234_5678_1234_567812345678)),
        str(uuid.uuid4()),
        new_id(),  # a ULID: ledger call ids
        f"call {new_id()} run {new_id()}",
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",  # base64 of a sha256
        "request_hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "src/AgentRunner/CliCompare/ModuleLoader2",
        "docs/img/Architecture2/overview/Final3ab",
        "ThisIsAVeryLongCamelCaseIdentifierName12",
        "risk-assessment-for-the-quarterly-planning-review",
        "task-list-for-the-team-offsite-next-week",
        "pip install scikit-learn; import sklearn",
        "max_tokens=512 input_tokens: 12 output_tokens=40 token_count = 5",
        '{"input_tokens": 12, "output_tokens": 40, "cache_read_tokens": 0}',
        "password_hash_algorithm is argon2; reset your password in settings",
        "Enter your password: ",
        "if password == confirm:",
        "see https://example.com/docs?page=2#tokens and http://localhost:8080/v1",
        "ssh git@github.com:org/repo.git and mailto ada@example.com",
        "postgres://db.internal:5432/app (no credentials)",
        "https://user@host.example.com/path",
        "claude-sonnet-4-5-20250929 gpt-4o-mini gemma3-270m",
        "2026-11-30T18:09:49.123456Z",
        "Summarise docs/ledger.md in three bullet points #premium ~$0.50",
        "hf_requiredCharacteristicTypesForDisplayMetadata",
        "AKIAIOS",  # too short to be a key id
        "The quick brown fox jumps over the lazy dog. " * 3,
        "PWD=/home/ada/projects/agentrunner",
        "/etc/passwd: absolute paths are not allowed; use a path inside the workspace",  # a tool refusal
        "cat /etc/passwd: permission denied",
        "x" * 40,
        "0123456789" * 4,
    ]


def test_innocent_strings_are_unchanged() -> None:
    changed = {text: REDACT(text) for text in _innocent() if REDACT(text) != text}
    assert not changed, changed


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_redaction_is_a_fixed_point_and_never_fails(text: str) -> None:
    once = REDACT(text)
    assert REDACT(once) == once


def _ungated() -> Redactor:
    """The default rules without the pre-scan: every rule searches every text."""
    return Redactor([dataclasses.replace(rule, needs_token=False) for rule in DEFAULT_RULES])


def _pieces() -> st.SearchStrategy[str]:
    """Pieces of the samples (cut anywhere: shortened tokens probe the pre-scan's 15-character
    minimum) between JSON escapes, quotes and words."""
    texts = [text for text, _ in SAMPLES.values()]
    sliced = st.builds(
        lambda text, a, b: text[min(a, b) : max(a, b)], st.sampled_from(texts), st.integers(0, 90), st.integers(0, 90)
    )
    glue = st.sampled_from([" ", "\\n", "\n", '"', "'", "=", ": ", "/", "x", "", "\\u00e9"])
    return st.lists(st.one_of(sliced, glue), max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(_pieces())
def test_the_pre_scan_never_changes_what_is_redacted(text: str) -> None:
    assert Redactor(DEFAULT_RULES)(text) == _ungated()(text)


def test_the_pre_scan_agrees_on_every_sample_and_innocent_string() -> None:
    texts = [text for text, _ in SAMPLES.values()] + list(_innocent())
    assert {t: Redactor(DEFAULT_RULES)(t) for t in texts} == {t: _ungated()(t) for t in texts}


@pytest.mark.parametrize("pattern", ["", "a*", r"\b", "^", "(?=x)", "x?", "(a|)"])
def test_patterns_that_match_the_empty_string_are_refused(pattern: str) -> None:
    assert "matches the empty string" in (empty_match_problem(pattern) or "")


def test_a_zero_length_match_never_inserts_markers() -> None:
    """Defence in depth: even a pattern that slipped past the config check cannot shred text."""
    assert Redactor(["a*"])("banana") == "b[REDACTED]n[REDACTED]n[REDACTED]"
    assert Redactor([r"\b"])("two words") == "two words"


def test_ledger_stores_calls_and_tool_calls_redacted(tmp_path: Path) -> None:
    from agentrunner.config import DEFAULT_REDACT

    folder = tmp_path / "data"
    ledger = Ledger(folder / "ledger.db", redact=DEFAULT_REDACT)
    everything = "\n".join(text for text, _ in SAMPLES.values())
    call_id = ledger.record_call({"request_json": everything, "response_text": everything, "error": everything})
    ledger.record_tool_call(tool="read_file", arguments={"path": everything}, ok=False, result=everything,
                            error=everything)
    ledger.close()
    data = b"".join(path.read_bytes() for path in folder.iterdir())
    for name, (_, secret) in SAMPLES.items():
        assert secret.encode() not in data, name
    assert call_id


def test_a_secret_seen_in_context_is_redacted_without_it() -> None:
    """The agent loop greps for an item's words and cuts long tool outputs in the middle: a secret
    recognised once (`password=…`, a whole key) is redacted later even bare or cut off."""
    redact = Redactor(DEFAULT_RULES)
    assert redact('db_password = "Corr3ctHorse99"') == 'db_password = "[REDACTED]"'
    assert redact('{"pattern": "Corr3ctHorse99\\\\b"}') == '{"pattern": "[REDACTED]\\\\b"}'
    assert redact("sk-ant-api03-FAKEaBcDeFgHiJkLmNoPqRsTuVwXyZ012345") == "[REDACTED]"
    cut = "[… 876 characters left out …]nt-api03-FAKEaBcDeFgHiJkLmNoPqRsTuVwXyZ012345 and more"
    assert redact(cut) == "[… 876 characters left out …][REDACTED] and more"
    head = "sk-ant-api03-FAKEaBcDeFgHi[… cut …]"
    assert "FAKEaBcDeFgHi" not in (redact(head) or "")
    assert redact("Corr3ct") == "Corr3ct"  # a piece shorter than 16 characters is only a word
    assert Redactor(DEFAULT_RULES)("Corr3ctHorse99") == "Corr3ctHorse99"  # per redactor (one run)


def test_numbered_lines_of_a_cut_off_key_are_redacted() -> None:
    """read_file numbers lines (`  14<TAB>MIIE…`) and elides the middle of long files."""
    numbered = "".join(f"{n:4}\t{line}\n" for n, line in enumerate(
        ["-----BEGIN OPENSSH PRIVATE KEY-----", *PEM_BODY.splitlines(), "[… 300 characters left out …]"], start=13))
    for text in (numbered, json.dumps(numbered)):
        redacted = REDACT(text) or ""
        assert "MIIEow" not in redacted and "Zm9vYmFy" not in redacted, redacted
