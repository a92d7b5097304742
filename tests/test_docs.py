"""Docs checked against --help: every `agentrunner …` command and option shown in README.md and
docs/*.md exists."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
COMMAND = re.compile(r"^\s*(?:\$ |[0-9*/ ]+cd [^&]+&& \S*)agentrunner (.+)$")


def documented_commands() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for doc in DOCS:
        in_code = False
        for line in doc.read_text("utf-8").splitlines():
            if line.startswith("```"):
                in_code = not in_code
                continue
            if not in_code:
                continue
            match = COMMAND.match(line)
            if match:
                found.append((doc.name, match.group(1).split("#")[0].split(">>")[0].split("|")[0].strip()))
    return found


COMMANDS = documented_commands()


def test_docs_show_commands() -> None:
    assert len(COMMANDS) > 30


@pytest.mark.parametrize(("doc", "command"), COMMANDS, ids=[f"{d}:{c[:40]}" for d, c in COMMANDS])
def test_documented_command_exists(doc: str, command: str, cli: Callable) -> None:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    path: list[str] = []
    help_text = cli("--help").output
    while words and words[0] in ("--config", "-c", "--verbose", "-v"):  # global options come first
        assert words[0] in help_text
        words = words[2:] if words[0] in ("--config", "-c") else words[1:]
    for word in words:
        if word.startswith("-"):
            break
        candidate = cli(*path, word, "--help")
        if candidate.exit_code != 0 or word.startswith(("'", '"')):
            break
        if f" {word} " not in help_text and f"│ {word}" not in help_text:
            break
        path.append(word)
        help_text = candidate.output
    assert path, f"{doc}: `agentrunner {command}` names no command"
    for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", " ".join(words)):
        assert option in help_text, f"{doc}: `agentrunner {command}`: {option} is not in `{' '.join(path)} --help`"
