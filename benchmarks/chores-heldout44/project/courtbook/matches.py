"""Match results: the scores written in the bookings sheet, and the club's singles ladder."""

from __future__ import annotations

import re
from dataclasses import dataclass

SET_SCORE = re.compile(r"(\d{1,2})\s*[-–]\s*(\d{1,2})(?:\s*\(\d+\))?")
MATCH_TIEBREAK = 10  # a deciding set played as a first-to-10 tie-break


@dataclass
class Standing:
    """One player's line on the ladder."""

    name: str
    played: int = 0
    won: int = 0
    lost: int = 0
    sets_for: int = 0
    sets_against: int = 0
    games_for: int = 0
    games_against: int = 0

    @property
    def set_difference(self):
        return self.sets_for - self.sets_against

    @property
    def game_difference(self):
        return self.games_for - self.games_against


def parse_score(text):
    """The sets of a score written from the booker's side: `6-4 3-6 10-7` is [(6, 4), (3, 6), (10, 7)].

    Tie-break points in brackets (`7-6(5)`) are dropped; the sets may be split by spaces, commas or
    slashes. A blank score has no sets: a knock-up, not a match.
    """
    text = text.strip()
    if not text:
        return []
    sets = [(int(a), int(b)) for a, b in SET_SCORE.findall(text)]
    if not sets or SET_SCORE.sub("", text).strip(" ,/;"):
        raise ValueError(f"not a score: {text!r}")
    if any(a == b for a, b in sets):
        raise ValueError(f"a set cannot end level: {text!r}")
    return sets


def flipped(sets):
    """The same sets from the other side of the net."""
    return ((b, a) for a, b in sets)


def sets_won(sets):
    return sum(1 for a, b in sets if a > b)


def games_won(sets):
    """Games won by the first side; a match tie-break counts as one game to whoever won it."""
    total = 0
    for a, b in sets:
        if max(a, b) >= MATCH_TIEBREAK:
            total += 1 if a > b else 0
        else:
            total += a
    return total


def _record(table, name, sets_for, sets_against, games_for, games_against):
    standing = table.setdefault(name, Standing(name))
    standing.played += 1
    if sets_for > sets_against:
        standing.won += 1
    else:
        standing.lost += 1
    standing.sets_for += sets_for
    standing.sets_against += sets_against
    standing.games_for += games_for
    standing.games_against += games_against


def ladder(bookings):
    """The ladder from every scored match between two members: most wins first, then set and game difference."""
    # TODO: doubles, with two names a side written "Shah/Okafor"
    table = {}
    for booking in bookings:
        if not booking.score or not booking.opponent or booking.guest:
            continue
        sets = parse_score(booking.score)
        mine, theirs = sets_won(sets), sets_won(flipped(sets))
        if mine == theirs:
            raise ValueError(f"no winner in {booking.score!r} ({booking.day})")
        games, games_against = games_won(sets), games_won(flipped(sets))
        _record(table, booking.member, mine, theirs, games, games_against)
        _record(table, booking.opponent, theirs, mine, games_against, games)
    return sorted(table.values(), key=lambda s: (-s.won, -s.set_difference, -s.game_difference, s.name))
