"""Shared bits of the importer tests: fixture paths, a config with a ledger user, ledger rows."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentrunner.chat import ChatRequest
from agentrunner.config import Config, load_config

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"

CONFIG_WITH_USER = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
cost_per_hour = 0.05

[ledger]
user = "alice"
team = "shop"
"""


def config(write_config: Callable[[str], Path]) -> Config:
    return load_config(write_config(CONFIG_WITH_USER))


def copy_fixture(name: str, target: Path) -> Path:
    """A writable copy of one tool's fixture tree (tests that edit or move files)."""
    shutil.copytree(FIXTURES / name, target, dirs_exist_ok=True)
    return target


def rows(ledger_path: Path, source: str) -> dict[str, dict[str, Any]]:
    """Ledger rows of one source, by source_id."""
    conn = sqlite3.connect(ledger_path)
    conn.row_factory = sqlite3.Row
    try:
        found = conn.execute("SELECT * FROM calls WHERE source = ? ORDER BY ts_start", [source]).fetchall()
    finally:
        conn.close()
    return {row["source_id"]: dict(row) for row in found}


def request_of(row: dict[str, Any]) -> ChatRequest:
    """The rebuilt request of a row, checked against its stored hash."""
    data = json.loads(row["request_json"])
    data.pop("model")
    request = ChatRequest(**data)
    assert request.request_hash() == row["request_hash"]
    return request


def make_llm_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "llm" / "logs.sql").read_text("utf-8"))
    conn.commit()
    conn.close()
    return path
