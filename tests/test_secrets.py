"""Secrets never reach the ledger, logs or result files when a redact pattern covers them.

A real ``agentrunner run`` against a loopback OpenAI-compatible server whose tier key is a fake
``sk-proj-…`` key in the environment. Fake keys of every default format are seeded:

- in the environment (the tier's own API key, and AWS/GitHub/Anthropic variables);
- in the to-do item's text and its context lines (the prompt);
- in a workspace file the model reads with ``read_file`` (tool output), after which the "model"
  echoes what it read (the worst case: the answer repeats the secret).

Then every byte under ``.agentrunner/`` (ledger.db, state.db and their -wal/-shm files, run.lock),
``tasks/done/`` and the run's stdout/stderr is searched for each key (also hex/JSON-escaped forms).
The keys do reach the provider (it is the prompt; the API key is the Authorization header): the
server checks that, so the test cannot pass by not running.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentrunner.config import DEFAULT_REDACT
from agentrunner.ledger import Redactor
from tests.support.chaos_server import ChaosServer
from tests.support.forkserver import ForkServer
from tests.support.project import Project
from tests.support.scripted_http import Reply, ScriptedServer
from tests.test_redaction import SAMPLES

# Fake keys in each default format (made up; the shapes of real ones).
FAKE_KEYS = {
    "openai": "sk-proj-FAKEo1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV",
    "anthropic": "sk-ant-api03-FAKEaBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
    "aws": "AKIAFAKE1234567890AB",
    "github": "ghp_FAKEabcdefghijklmnopqrstuvwxyz0123456789",
    "github_pat": "github_pat_FAKE11ABCDEFGHIJKLMNOPQRSTUV_abcdefghij",
    "google": "AIzaFAKEaBcDeFgHiJkLmNoPqRsTuVwXyZ01234",
    "slack": "xoxb-FAKE-1234567890-abcdefghij",
}
TIER_KEY = "sk-proj-TIERKEYFAKE0123456789abcdefghijkl"
# Every default rule's sample (tests/test_redaction.py): the text seeded, the secret part searched for
# (the rules keep context such as `postgres://admin:…@host`, so only the secret itself must be gone).
RULE_SECRETS = {f"rule:{name}": secret for name, (_, secret) in SAMPLES.items()}
ONE_LINE_SAMPLES = [text for text, _ in SAMPLES.values() if "\n" not in text]
MULTI_LINE_SAMPLES = [text for text, _ in SAMPLES.values() if "\n" in text]


def test_default_patterns_cover_every_fake_key() -> None:
    redact = Redactor(DEFAULT_REDACT)
    for name, key in {**FAKE_KEYS, "tier": TIER_KEY}.items():
        assert key not in (redact(f"x {key} y") or ""), name
    assert redact("Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345") == "Authorization: [REDACTED]"


def _forms(key: str) -> list[bytes]:
    """The ways a key could be stored: raw UTF-8, UTF-16 (never expected), JSON-escaped."""
    return [key.encode(), key.encode("utf-16-le"), json.dumps(key).encode()[1:-1]]


def _leaks(root: Path, keys: dict[str, str]) -> list[str]:
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for name, key in keys.items():
            if any(form in data for form in _forms(key)):
                found.append(f"{path.relative_to(root.parent)}: {name}")
    return found


class EchoingModel:
    """Asks for the secrets file (READ, the agent loop's read_file action), then repeats what it
    read (and the prompt).

    The echo is one ``DONE …`` line (the agent loop's last action; its text is the answer), so
    nothing it repeats reads as another action (``READ path``, a fenced file)."""

    def __init__(self) -> None:
        self.prompts: list[str] = []
        self.auth: list[str] = []

    def __call__(self, request: dict[str, Any]) -> str | dict[str, Any]:
        messages = request.get("messages", [])
        self.prompts.append(json.dumps(messages))
        if not any("deploy config" in str(m.get("content") or "") for m in messages):
            return "READ notes/secrets.txt"  # the agent loop's read action: the file comes back as tool output
        seen = "\n".join(str(m.get("content") or "") for m in messages if m.get("role") != "system")
        return "DONE Here is everything I saw: " + " | ".join(seen.splitlines())


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


def test_a_run_seeded_with_fake_keys_stores_none_of_them(tmp_path: Path, forks: ForkServer) -> None:
    model = EchoingModel()
    with ChaosServer(seed=1, mix={"ok": 1}, answer=model) as server:
        project = Project(tmp_path / "project", server, tier_options={"timeout": 10.0})
        toml = (project.root / "routes.toml").read_text()
        with_key = toml.replace("[tiers.premium]\n", '[tiers.premium]\napi_key_env = "CHAOS_KEY"\n')
        (project.root / "routes.toml").write_text(with_key)
        notes = project.root / "notes"
        notes.mkdir()
        (notes / "secrets.txt").write_text(
            "deploy config\n" + "\n".join(f"{name.upper()}_KEY={key}" for name, key in FAKE_KEYS.items()) + "\n"
            + "\n".join(text for text, _ in SAMPLES.values()) + "\n"
        )
        context = "".join(f"  {line}\n" for text in MULTI_LINE_SAMPLES for line in text.splitlines())
        project.todo.write_text(
            "# Secrets\n\n"
            # The file is not named: the model asks for it with read_file (tool output), rather than
            # the agent loop showing it up front.
            f"- [ ] Summarise the deploy notes and check the key {FAKE_KEYS['openai']} works "
            + " ".join(ONE_LINE_SAMPLES[: len(ONE_LINE_SAMPLES) // 2]) + "\n"
            f"  the AWS key is {FAKE_KEYS['aws']} and the token {FAKE_KEYS['github']}\n"
            + "".join(f"  {text}\n" for text in ONE_LINE_SAMPLES[len(ONE_LINE_SAMPLES) // 2 :])
            + context,
            "utf-8",
        )
        environment = {
            "CHAOS_KEY": TIER_KEY,
            "OPENAI_API_KEY": FAKE_KEYS["openai"],
            "ANTHROPIC_API_KEY": FAKE_KEYS["anthropic"],
            "AWS_ACCESS_KEY_ID": FAKE_KEYS["aws"],
            "GITHUB_TOKEN": FAKE_KEYS["github"],
        }
        logs = project.root / "logs"
        logs.mkdir()
        pid = forks.spawn(["--verbose", "run"], cwd=project.root, env={**project.env(), **environment},
                          stdout=logs / "out", stderr=logs / "err")
        code = forks.wait(pid)
        err = (logs / "err").read_text()
        assert code == 0, (logs / "out").read_text() + err
        assert "Traceback" not in err
        # The run really happened with the secrets in play: the model read the file through the
        # tool and got the keys in its prompt; the server got the tier key as the bearer token.
        assert any(FAKE_KEYS["slack"] in prompt for prompt in model.prompts), "read_file never ran"
        assert any(FAKE_KEYS["openai"] in prompt for prompt in model.prompts)
        for name, secret in RULE_SECRETS.items():  # every rule's secret reached the model
            assert any(secret in prompt or json.dumps(secret)[1:-1] in prompt for prompt in model.prompts), name
        assert server.chat_requests >= 2
        keys = {**FAKE_KEYS, "tier": TIER_KEY, **RULE_SECRETS}
        leaks = _leaks(project.data_dir, keys) + _leaks(project.root / "tasks" / "done", keys) + _leaks(logs, keys)
        assert not leaks, "secrets stored:\n" + "\n".join(leaks)
        # What the user wrote in the to-do file stays theirs (not rewritten), but nothing we add does.
        added = [line for line in project.todo.read_text().splitlines() if line.strip().startswith("- →")]
        assert added and not any(key in line for line in added for key in keys.values())


def test_custom_pattern_covers_a_house_secret_format(tmp_path: Path, forks: ForkServer) -> None:
    house = "ACME-SECRET-7f3a9c2e1b"
    with ChaosServer(seed=2, mix={"ok": 1}, answer=lambda request: f"the secret is {house}") as server:
        extra = '\n[ledger]\nredact = ["ACME-SECRET-[0-9a-f]{10}"]\n'
        project = Project(tmp_path / "project", server, extra_toml=extra)
        project.write_items([f"Write a line about {house}"])
        code, out, err = project.run(forks)
        assert code == 0, out + err
        leaks = _leaks(project.data_dir, {"house": house}) + _leaks(project.root / "tasks" / "done", {"house": house})
        assert not leaks, leaks
        assert house not in err
        assert re.search(r"\[REDACTED\]", "".join(r["response_text"] or "" for r in project.ledger_rows()))


def test_wal_files_of_a_killed_run_hold_no_keys(tmp_path: Path, forks: ForkServer) -> None:
    """SIGKILL mid-run leaves ledger.db-wal and state.db-wal behind (not checkpointed into the main
    files): they are searched too."""
    import os
    import signal

    from tests.support.forkserver import wait_for

    model = EchoingModel()
    with ChaosServer(seed=3, mix={"ok": 1}, answer=model, ok_delay=0.3) as server:
        project = Project(tmp_path / "project", server)
        (project.root / "notes").mkdir()
        (project.root / "notes" / "secrets.txt").write_text("\n".join(FAKE_KEYS.values()) + "\n")
        project.write_items([f"Summarise notes/secrets.txt, key {FAKE_KEYS['openai']} number {n}" for n in range(6)])
        pid, _, _ = project.spawn(forks)
        assert wait_for(lambda: server.chat_requests >= 5, timeout=60)
        os.kill(pid, signal.SIGKILL)
        assert forks.wait(pid) == -signal.SIGKILL
        wal_files = list(project.data_dir.glob("*-wal"))
        assert wal_files and any(path.stat().st_size > 0 for path in wal_files), "no WAL left to search"
        leaks = _leaks(project.data_dir, FAKE_KEYS) + _leaks(project.root / "tasks" / "done", FAKE_KEYS)
        assert not leaks, "secrets stored:\n" + "\n".join(leaks)


def test_a_provider_error_that_echoes_secrets_stores_none_of_them(tmp_path: Path, forks: ForkServer) -> None:
    """A provider that refuses the request and quotes it back (HTTP 400, the message holding every
    secret of the prompt): the error lands in the ledger's calls.error, state.db's item error, the
    to-do file's failure note and the run's stderr — all redacted."""
    quoted = " | ".join(text for text, _ in SAMPLES.values())
    refusal = Reply(400, {"error": {"message": f"invalid request near: {quoted}", "type": "invalid_request_error"}})
    with ScriptedServer({"/v1/chat/completions": refusal}) as server:
        root = tmp_path / "project"
        (root / "tasks").mkdir(parents=True)
        (root / "routes.toml").write_text(
            "[tiers.premium]\nprovider = \"openai\"\nmodel = \"m\"\n"
            f"base_url = \"{server.url}/v1\"\ntimeout = 5.0\nmax_retries = 0\nmax_tokens = 32\n"
            "price = { input_per_mtok = 1.0, output_per_mtok = 1.0 }\n\n[agent]\nmax_attempts = 1\n"
        )
        (root / "tasks" / "todo.md").write_text("# Secrets\n\n- [ ] Say hello " + " ".join(ONE_LINE_SAMPLES) + "\n")
        logs = root / "logs"
        logs.mkdir()
        env: dict[str, str | None] = {"AGENTRUNNER_CONFIG": str(root / "routes.toml"),
                                      "AGENTRUNNER_DIR": str(root / ".agentrunner"), "OPENAI_API_KEY": None,
                                      "NO_COLOR": "1"}
        code = forks.run(["--verbose", "run"], cwd=root, env=env, stdout=logs / "out", stderr=logs / "err")
        assert code == 1, (logs / "out").read_text() + (logs / "err").read_text()
        assert server.requests_to("/v1/chat/completions"), "the provider was never called"
        conn = sqlite3.connect(root / ".agentrunner" / "ledger.db")
        errors = [row[0] for row in conn.execute("SELECT error FROM calls WHERE status = 'error'")]
        conn.close()
        assert errors and all("[REDACTED]" in (error or "") for error in errors), errors
        leaks = (_leaks(root / ".agentrunner", RULE_SECRETS) + _leaks(logs, RULE_SECRETS)
                 + _leaks(root / "tasks" / "done", RULE_SECRETS) if (root / "tasks" / "done").exists() else
                 _leaks(root / ".agentrunner", RULE_SECRETS) + _leaks(logs, RULE_SECRETS))
        assert not leaks, "secrets stored:\n" + "\n".join(leaks)
        added = [line for line in (root / "tasks" / "todo.md").read_text().splitlines() if line.startswith("  - ")]
        assert added and not any(secret in line for line in added for secret in RULE_SECRETS.values()), added
