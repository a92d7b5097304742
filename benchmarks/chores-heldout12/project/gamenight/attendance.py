"""Who came to game night, week by week. Weeks run Monday to Sunday."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from gamenight.plays import Play

ONE_WEEK = timedelta(days=7)


def week_start(day):
    """The Monday of the week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


def attendance(plays: Iterable[Play]):
    """Monday of each week with a game night -> the names of everyone who played that week."""
    weeks = defaultdict(set)
    for play in plays:
        weeks[week_start(play.date)].update(play.scores)
    return dict(sorted(weeks.items()))


def weeks_attended(plays, player) -> int:
    return sum(1 for names in attendance(plays).values() if player in names)


def longest_streak(plays, player):
    """The most weeks in a row ``player`` came to at least one game night."""
    weeks = sorted({week_start(play.date) for play in plays if player in play.scores})
    best = 0
    run = 0
    previous = None
    for week in weeks:
        if previous is not None and week - previous == ONE_WEEK:
            run += 1
        else:
            run = 1
        best = max(best, run)
        previous = week
    return best


def last_seen(plays, player):
    """The date of ``player``'s latest play, or None if they never played."""
    dates = [play.date for play in plays if player in play.scores]
    return max(dates) if dates else None


def streak_table(plays: Iterable[Play]) -> list[tuple[str, int, int]]:
    """(player, weeks attended, longest streak) for everyone: most weeks first, then longest streak, then name."""
    plays = list(plays)
    names = sorted({name for play in plays for name in play.scores})
    rows = [(name, weeks_attended(plays, name), longest_streak(plays, name)) for name in names]
    return sorted(rows, key=lambda row: (-row[1], -row[2], row[0]))


def missing_since(plays, today: date, weeks=4):
    """Players whose last game is more than ``weeks`` weeks before ``today``, longest-absent first."""
    plays = list(plays)
    cutoff = today - weeks * ONE_WEEK
    seen = {name: last_seen(plays, name) for play in plays for name in play.scores}
    gone = [name for name, day in seen.items() if day is not None and day < cutoff]
    return sorted(gone, key=lambda name: (seen[name], name))
