"""Turning numbers into the short strings the CLI prints."""

from __future__ import annotations


def format_duration(seconds: int) -> str:
    """A moving time as h:mm, rounded to the nearest minute."""
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def format_km(km: float) -> str:
    return f"{km:.1f} km"


def format_speed(kmh: float) -> str:
    return f"{kmh:.1f} km/h"
