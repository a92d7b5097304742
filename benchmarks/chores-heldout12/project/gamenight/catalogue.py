"""The club's games catalogue (data/games.csv): player counts, play time and weight.

Weight is the usual 1-5 complexity score. It is shown as a class: light below 2.0, medium from
2.0 up to (not including) 3.0, heavy from 3.0 on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

LIGHT_BELOW = 2.0
HEAVY_FROM = 3.0


@dataclass(frozen=True)
class Game:
    name: str
    min_players: int
    max_players: int
    minutes: int
    weight: float

    def seats(self, players: int) -> bool:
        """Whether the game plays with this many people."""
        return self.min_players <= players <= self.max_players

    @property
    def player_range(self) -> str:
        if self.min_players == self.max_players:
            return str(self.min_players)
        return f"{self.min_players}-{self.max_players}"


def weight_label(weight: float) -> str:
    """light / medium / heavy for a weight on the 1-5 scale."""
    if weight < LIGHT_BELOW:
        return "light"
    if weight < HEAVY_FROM:
        return "medium"
    return "heavy"


def parse_game(row: dict[str, str]) -> Game:
    game = Game(
        name=row["name"].strip(),
        min_players=int(row["min_players"]),
        max_players=int(row["max_players"]),
        minutes=int(row["minutes"]),
        weight=float(row["weight"]),
    )
    if game.min_players < 1 or game.max_players < game.min_players:
        raise ValueError(f"{game.name}: bad player range {game.player_range}")
    return game


def load_games(path: str | Path) -> dict[str, Game]:
    """The catalogue by game name."""
    # TODO: expansions (Seafarers, Leaders...) should come from a second CSV
    with open(path, newline="", encoding="utf-8") as handle:
        games = [parse_game(row) for row in csv.DictReader(handle)]
    return {game.name: game for game in games}


def suggest(games: Iterable[Game], players: int, minutes: int | None = None) -> list[Game]:
    """Games for ``players`` people that fit in ``minutes`` (if given): shortest first, then by name."""
    fitting = [g for g in games if g.seats(players) and (minutes is None or g.minutes <= minutes)]
    return sorted(fitting, key=lambda game: (game.minutes, game.name))
