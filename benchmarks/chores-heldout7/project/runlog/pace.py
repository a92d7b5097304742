"""Pace arithmetic: seconds per kilometre, and how to show paces and times."""

from __future__ import annotations


def pace_seconds(distance_km: float, seconds: float) -> float:
    """Seconds per kilometre of a run."""
    return seconds / distance_km


def format_pace(seconds_per_km):
    total = round(seconds_per_km)
    minutes, seconds = divmod(total, 60)
    return f"{minutes}:{seconds:02d}/km"


def format_duration(seconds: float) -> str:
    """h:mm:ss, or m:ss under an hour."""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def speed_kmh(seconds_per_km: float) -> float:
    """The speed in km/h of a pace in seconds per kilometre."""
    return 3600 / seconds_per_km
