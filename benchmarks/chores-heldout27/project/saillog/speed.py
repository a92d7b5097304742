"""Speeds and times as the logbook shows them."""

from __future__ import annotations

from saillog.passages import KM_PER_NM


def average_knots(distance_nm: float, hours: float) -> float:
    """Nautical miles per hour over the passage; ValueError for a passage of no time."""
    if hours <= 0:
        raise ValueError(f"a passage takes some time: {hours} h")
    return distance_nm / hours


def format_hours(hours: float) -> str:
    """`3h20` for 3.33 hours, rounded to the minute."""
    minutes = round(hours * 60)
    return f"{minutes // 60}h{minutes % 60:02d}"


def format_speed(knots: float) -> str:
    return f"{knots:.1f} kn"


def format_distance(distance_nm: float, km: bool = False) -> str:
    # TODO: drop the km option once nobody uses season --km
    if km:
        return f"{distance_nm * KM_PER_NM:.1f} km"
    return f"{distance_nm:.1f} nm"
