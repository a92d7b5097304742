"""Ferment durations as the log writes them ("7 days", "2 weeks", "10d", "1 week 3 days", "14")."""

from __future__ import annotations

import re

DAYS_PER_UNIT = {
    "d": 1,
    "day": 1,
    "days": 1,
    "w": 7,
    "wk": 7,
    "wks": 7,
    "week": 7,
    "weeks": 7,  # TODO: "a fortnight" and "2 fortnights"
}

_PART = re.compile(r"(\d+)\s*([a-z]+)")
_WHOLE = re.compile(r"(?:\d+\s*[a-z]+\s*)+")


def parse_duration(text: str) -> int:
    """The number of days in a ferment duration; a bare number is days. ValueError if unreadable."""
    cleaned = text.strip().lower()
    if cleaned.isdigit():
        days = int(cleaned)
    else:
        if not _WHOLE.fullmatch(cleaned):
            raise ValueError(f"not a duration: {text!r}")
        days = 0
        for count, unit in _PART.findall(cleaned):
            if unit not in DAYS_PER_UNIT:
                raise ValueError(f"unknown unit {unit!r} in {text!r}")
            days += int(count) * DAYS_PER_UNIT[unit]
    if days <= 0:
        raise ValueError(f"a ferment takes at least a day: {text!r}")
    return days


def format_days(days: int) -> str:
    """14 -> '2 weeks', 10 -> '1 week 3 days', 5 -> '5 days'."""
    weeks, rest = divmod(days, 7)
    parts = []
    if weeks:
        parts.append(f"{weeks} week" + ("s" if weeks > 1 else ""))
    if rest:
        parts.append(f"{rest} day" + ("s" if rest > 1 else ""))
    return " ".join(parts)
