"""The play log: one row per game played, read from a CSV file.

The CSV has the columns ``date,game,players,winner,notes``. ``players`` lists everyone at the
table with their final score, ``Name:score`` separated by semicolons (``Ana:42;Ben:37``).
``winner`` is optional: it is only filled in when the scores alone do not say who won (a
tiebreak, a dominance card, ...). ``notes`` is free text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

COLUMNS = ("date", "game", "players", "winner", "notes")


@dataclass(frozen=True)
class Play:
    """One game played on one night."""

    date: date
    game: str
    scores: dict[str, int]
    winner: str | None = None
    notes: str = field(default="", compare=False)

    @property
    def players(self) -> list[str]:
        return list(self.scores)

    @property
    def solo(self) -> bool:
        return len(self.scores) < 2

    def winners(self) -> list[str]:
        """The winner column if set, else everyone with the top score (several on a tie)."""
        if self.winner:
            return [self.winner]
        if not self.scores:
            return []
        top = max(self.scores.values())
        return [name for name, score in self.scores.items() if score == top]


def parse_players(text: str) -> dict[str, int]:
    """``"Ana:42;Ben:37"`` -> ``{"Ana": 42, "Ben": 37}``, in table order."""
    # TODO: old exports from the club spreadsheet use "Ana=42"; accept that too
    scores: dict[str, int] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, score = part.partition(":")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"bad player entry {part!r}: expected Name:score")
        if name in scores:
            raise ValueError(f"{name} is listed twice")
        try:
            scores[name] = int(score.strip())
        except ValueError:
            raise ValueError(f"bad score for {name}: {score.strip()!r}") from None
    if not scores:
        raise ValueError("a play needs at least one player")
    return scores


def parse_row(row: dict[str, str]) -> Play:
    """One CSV row (as read by csv.DictReader) -> a Play."""
    scores = parse_players(row["players"])
    winner = (row.get("winner") or "").strip() or None
    if winner is not None and winner not in scores:
        raise ValueError(f"winner {winner} did not play")
    return Play(
        date=date.fromisoformat(row["date"].strip()),
        game=row["game"].strip(),
        scores=scores,
        winner=winner,
        notes=(row.get("notes") or "").strip(),
    )


def read_plays(path: str | Path) -> list[Play]:
    """Every play in the CSV file at ``path``, oldest first (rows of one date keep their order)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        plays = []
        for number, row in enumerate(reader, start=2):
            try:
                plays.append(parse_row(row))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}:{number}: {exc}") from None
    return sorted(plays, key=lambda play: play.date)


def plays_of(plays: Iterable[Play], player: str) -> list[Play]:
    """The plays ``player`` was at the table for."""
    return [play for play in plays if player in play.scores]


def everyone(plays: Iterable[Play]) -> list[str]:
    """All the players in the log, sorted by name."""
    return sorted({name for play in plays for name in play.scores})
