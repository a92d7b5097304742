"""``python -m gamenight``: ratings, streaks and what to play tonight."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gamenight import __version__
from gamenight.attendance import streak_table
from gamenight.catalogue import load_games, suggest, weight_label
from gamenight.plays import read_plays
from gamenight.ratings import MIN_PLAYS, leaderboard

DEFAULT_PLAYS = Path("data/plays.csv")
DEFAULT_GAMES = Path("data/games.csv")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gamenight", description="The club's game-night log.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--plays", type=Path, default=DEFAULT_PLAYS, help="the play log CSV")
    parser.add_argument("--games", type=Path, default=DEFAULT_GAMES, help="the games catalogue CSV")
    commands = parser.add_subparsers(dest="command", required=True)

    ratings = commands.add_parser("ratings", help="the rating leaderboard")
    ratings.add_argument(
        "--min-plays", type=int, default=MIN_PLAYS, help=f"rated plays needed to be listed (default {MIN_PLAYS})"
    )
    # TODO: a --since option, to rate only this season's plays

    commands.add_parser("streaks", help="weeks attended and longest run of weeks, per player")

    pick = commands.add_parser("suggest", help="games from the catalogue for tonight")
    pick.add_argument("players", type=int, help="how many people are playing")
    pick.add_argument("--minutes", type=int, help="leave out games longer than this")
    return parser


def cmd_ratings(args: argparse.Namespace) -> int:
    table = leaderboard(read_plays(args.plays), min_plays=args.min_plays)
    if not table:
        print(f"nobody has {args.min_plays} rated plays yet")
        return 0
    for rank, standing in enumerate(table, start=1):
        print(
            f"{rank:>2}. {standing.player:<10} {standing.rating:7.1f}"
            f"  {standing.plays:>3} plays  {standing.wins:>3} wins"
        )
    return 0


def cmd_streaks(args: argparse.Namespace) -> int:
    for name, weeks, streak in streak_table(read_plays(args.plays)):
        print(f"{name:<10} {weeks:>3} weeks  longest streak {streak}")
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    games = suggest(load_games(args.games).values(), args.players, args.minutes)
    if not games:
        print(f"no game in the catalogue for {args.players} players", file=sys.stderr)
        return 1
    for game in games:
        print(f"{game.name:<20} {game.player_range:>5} players  {game.minutes:>4} min  {weight_label(game.weight)}")
    return 0


COMMANDS = {"ratings": cmd_ratings, "streaks": cmd_streaks, "suggest": cmd_suggest}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (OSError, ValueError) as exc:
        print(f"gamenight: {exc}", file=sys.stderr)
        return 2
