"""Elo-style ratings from the play log.

Every game with two or more players is treated as a set of head-to-head results: each player
against each other player at the table. Solo plays are not rated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from gamenight.plays import Play

START_RATING = 1200.0
K_FACTOR = 24.0
SCALE = 400.0
# Below this many rated plays a player is still "provisional" and left off the leaderboard.
MIN_PLAYS = 5


def expected_score(rating_a: float, rating_b: float) -> float:
    return 1.0 / (1.0 + 10 ** ((rating_b - rating_a) / SCALE))


def outcome(play: Play, a: str, b: str) -> float:
    """Points for ``a`` against ``b`` in one play (the winner column overrides the scores)."""
    if play.winner == a:
        return 1.0
    if play.winner == b:
        return 0.0
    score_a, score_b = play.scores[a], play.scores[b]
    if score_a > score_b:
        return 1.0
    if score_a < score_b:
        return 0.0
    return 0.5


def update(ratings: dict[str, float], play: Play) -> dict[str, float]:
    """The ratings after one play; a player's first game starts from START_RATING.

    The K-factor is shared out over the opponents, so a five-player game moves a rating about
    as much as a two-player one.
    """
    if play.solo:
        return dict(ratings)
    before = {name: ratings.get(name, START_RATING) for name in play.scores}
    k = K_FACTOR / (len(before) - 1)
    after = dict(ratings)
    for a in before:
        change = 0.0
        for b in before:
            if a != b:
                change += outcome(play, a, b) - expected_score(before[a], before[b])
        after[a] = before[a] + k * change
    return after


def rate_all(plays: Iterable[Play]) -> dict[str, float]:
    """Every player's rating after replaying ``plays`` in date order."""
    ratings: dict[str, float] = {}
    for play in sorted(plays, key=lambda play: play.date):
        ratings = update(ratings, play)
    return ratings


@dataclass(frozen=True)
class Standing:
    player: str
    rating: float
    plays: int
    wins: int


def leaderboard(plays: Iterable[Play], min_plays: int = MIN_PLAYS) -> list[Standing]:
    """Players with at least ``min_plays`` rated plays, best rating first."""
    # TODO: let ratings decay for people who have not come for a few months
    rated = [play for play in plays if not play.solo]
    ratings = rate_all(rated)
    counts = Counter(name for play in rated for name in play.scores)
    wins = Counter(name for play in rated for name in play.winners())
    table = [
        Standing(name, rating, counts[name], wins[name])
        for name, rating in ratings.items()
        if counts[name] >= min_plays
    ]
    return sorted(table, key=lambda standing: (-standing.rating, standing.player))


def win_rate(plays: Iterable[Play], player: str) -> float | None:
    """The share of ``player``'s rated plays they won (shared wins count), None before any play."""
    mine = [play for play in plays if player in play.scores and not play.solo]
    if not mine:
        return None
    return sum(player in play.winners() for play in mine) / len(mine)
