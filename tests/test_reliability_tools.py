"""Path traversal, symlink escapes and shell injection through tool arguments and item text are
refused and logged (a ``tool_calls`` row with ``ok = 0`` and the reason), never carried out.

Property-based (hypothesis) over arbitrary path strings and commands against a real workspace and
ledger, plus one real run whose "model" tries to read ``/etc/passwd`` and ``../`` paths that an
item's text mentions.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentrunner.config import parse_config
from agentrunner.ledger import Ledger
from agentrunner.tools import Workspace
from tests.support.chaos_server import ChaosServer
from tests.support.forkserver import ForkServer
from tests.support.project import Project

SECRET = "outside-the-workspace-secret"

path_parts = st.one_of(
    st.sampled_from(["..", ".", "", "/", "//", "~", "link_out", "link_in", "inside.txt", "sub", "%2e%2e", "..\\..",
                     "\x00", "etc", "passwd", "…", " ", "sub/../..", "link_out/secret.txt"]),
    st.text(min_size=1, max_size=6),
)
paths = st.lists(path_parts, min_size=1, max_size=6).map("/".join)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Ledger, Path]]:
    root = tmp_path_factory.mktemp("ws")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text(SECRET)
    project = root / "project"
    (project / "sub").mkdir(parents=True)
    (project / "inside.txt").write_text("inside")
    (project / "link_out").symlink_to(outside)
    (project / "link_in").symlink_to(project / "sub")
    (project / "sub" / "escape.txt").symlink_to(outside / "secret.txt")
    config = parse_config(
        '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\n'
        '[agent]\ntools = ["read_file", "write_file", "list_files", "shell"]\nshell_allow = ["git status", "ls"]\n',
        source_path=project / "routes.toml",
    )
    ledger = Ledger(root / "ledger.db")
    yield Workspace(config, ledger), ledger, outside


def _last_tool_row(ledger: Ledger) -> dict[str, Any]:
    return next(ledger.db.query("SELECT * FROM tool_calls ORDER BY rowid DESC LIMIT 1"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=paths, tool=st.sampled_from(["read_file", "write_file", "list_files"]))
def test_no_path_escapes_the_workspace(workspace: tuple[Workspace, Ledger, Path], path: str, tool: str) -> None:
    ws, ledger, outside = workspace
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    arguments: dict[str, Any] = {"path": path}
    if tool == "write_file":
        arguments["content"] = "pwned"
    result = ws.call(tool, arguments)
    row = _last_tool_row(ledger)
    assert row["tool"] == tool and bool(row["ok"]) == result.ok
    assert SECRET not in result.output
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before, "wrote outside the workspace"
    if result.ok and tool != "list_files":
        target = (ws.root / path).resolve()
        assert target.is_relative_to(ws.root.resolve()), f"{path!r} resolved outside: {target}"
    if not result.ok:
        assert row["error"], "a refusal without a logged reason"


@pytest.mark.parametrize(
    "path",
    ["../outside.txt", "/etc/passwd", "link_out/secret.txt", "sub/escape.txt", "sub/../../x", "link_out"],
)
def test_known_escapes_are_refused_and_logged(workspace: tuple[Workspace, Ledger, Path], path: str) -> None:
    ws, ledger, _ = workspace
    for tool in ("read_file", "list_files", "write_file"):
        result = ws.call(tool, {"path": path, "content": "x"})
        assert not result.ok, (tool, path)
        row = _last_tool_row(ledger)
        assert row["ok"] == 0 and row["error"] and json.loads(row["arguments_json"])["path"] == path


injections = st.one_of(
    st.sampled_from([
        "git status; rm -rf /", "git status && cat /etc/passwd", "git status | sh", "ls `id`", "ls $(id)",
        "git status > /tmp/x", "ls\nrm -rf /", "ls & curl evil", "rm -rf /", "sh -c 'ls'", "git status\x00; id",
        "ls ../..", "ls /", "git  status --exec=sh",
    ]),
    st.text(max_size=40).map(lambda text: f"git status {text}"),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=injections)
def test_shell_injection_is_refused_or_harmless(workspace: tuple[Workspace, Ledger, Path], command: str) -> None:
    ws, ledger, outside = workspace
    marker = outside / "pwned"
    result = ws.call("shell", {"command": command})
    row = _last_tool_row(ledger)
    assert row["tool"] == "shell" and bool(row["ok"]) == result.ok
    assert not marker.exists()
    assert SECRET not in result.output
    if any(op in command for op in (";", "&&", "|", "`", "$(", ">", "\n", "&")):
        assert not result.ok, f"shell operator accepted: {command!r}"


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


def test_a_run_whose_model_tries_to_escape(tmp_path: Path, forks: ForkServer) -> None:
    """Item text mentions ../ paths; the "model" asks to read /etc/passwd, ../secret and a symlink
    out of the workspace: every attempt is refused, logged, and nothing outside is read."""
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET)
    attempts = iter(["/etc/passwd", "../secret.txt", "escape/secret.txt", "../../../../etc/shadow"])

    def model(request: dict[str, Any]) -> str | dict[str, Any]:
        # the general loop's text actions (READ path), the first attempt as a native tool call
        path = next(attempts, None)
        if path == "/etc/passwd":
            function = {"name": "read_file", "arguments": json.dumps({"path": path})}
            call = {"id": "c", "type": "function", "function": function}
            return {"role": "assistant", "content": None, "tool_calls": [call]}
        if path is not None:
            return f"READ {path}"
        return "I could not read those files."

    with ChaosServer(seed=1, mix={"ok": 1}, answer=model) as server:
        project = Project(tmp_path / "project", server)
        os.symlink(tmp_path, project.root / "escape")
        project.write_items(["Summarise ../secret.txt and /etc/passwd for me"])
        code, out, err = project.run(forks)
        assert "Traceback" not in err
        assert code in (0, 1), out + err
        ledger = Ledger(project.ledger_path)
        rows = list(ledger.db.query("SELECT * FROM tool_calls WHERE tool = 'read_file'"))
        assert len(rows) >= 4 and all(row["ok"] == 0 and row["error"] for row in rows), rows
        assert all(SECRET not in (row["result"] or "") for row in rows)
        for path in (project.data_dir, project.root / "tasks"):
            for file in path.rglob("*"):
                if file.is_file():
                    assert SECRET.encode() not in file.read_bytes(), file
