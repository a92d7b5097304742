from datetime import date
from pathlib import Path

import pytest
from gamenight.plays import Play

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _in_project(monkeypatch):
    """The CLI reads data/ relative to the working directory: run every test from the project root."""
    monkeypatch.chdir(PROJECT)


@pytest.fixture
def play():
    """Build a Play quickly: play("2026-01-09", Ana=3, Ben=1)."""

    def make(day: str, game: str = "Azul", winner: str | None = None, **scores: int) -> Play:
        return Play(date.fromisoformat(day), game, dict(scores), winner)

    return make
