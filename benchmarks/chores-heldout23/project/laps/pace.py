"""Pace per 100 metres and clock-style times."""

from __future__ import annotations


def pace_per_100m(seconds: float, distance_m: float) -> float:
    """Seconds per 100 m over a distance swum in ``seconds``."""
    if distance_m <= 0:
        raise ValueError("no distance, no pace")
    return seconds / distance_m * 100


def format_clock(seconds: float) -> str:
    """``m:ss`` under an hour, ``h:mm:ss`` from an hour on (rounded to the second)."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_pace(seconds_per_100m: float) -> str:
    return f"{format_clock(seconds_per_100m)}/100m"  # TODO: per 100 yd for the yard pools?
