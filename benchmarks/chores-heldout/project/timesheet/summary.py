"""Totals: hours per project, person, task or ISO week, over a filtered set of entries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from .entries import Entry


def iso_week(day: date) -> str:
    """The ISO week of a day, as ``2026-W09``; the year is the ISO year (2024-12-30 is in 2025-W01)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


KEYS: dict[str, Callable[[Entry], str]] = {
    "project": lambda entry: entry.project,
    "person": lambda entry: entry.person,
    "task": lambda entry: entry.task or "(no task)",
    "week": lambda entry: iso_week(entry.day),
}


def filter_entries(
    entries: Iterable[Entry],
    *,
    project: str | None = None,
    person: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Entry]:
    """The entries that match every given criterion; ``since`` and ``until`` are inclusive."""
    if since is not None and until is not None and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    kept = []
    for entry in entries:
        if project is not None and entry.project != project.lower():
            continue
        if person is not None and entry.person != person:
            continue
        if since is not None and entry.day < since:
            continue
        if until is not None and entry.day > until:
            continue
        kept.append(entry)
    return kept


def total_hours(entries: Iterable[Entry]) -> float:
    return round(sum(entry.hours for entry in entries), 2)


def hours_by(entries: Iterable[Entry], key: str) -> dict[str, float]:
    """Hours per project, person, task or week, sorted by name (weeks sort by date)."""
    try:
        key_of = KEYS[key]
    except KeyError:
        raise ValueError(f"cannot group by {key!r} (one of: {', '.join(KEYS)})") from None
    totals: dict[str, float] = {}
    for entry in entries:
        name = key_of(entry)
        totals[name] = totals.get(name, 0.0) + entry.hours
    return {name: round(totals[name], 2) for name in sorted(totals)}


def busiest_week(entries: Iterable[Entry]) -> tuple[str, float] | None:
    """The week with the most hours (the earliest on a tie), or None without entries."""
    weeks = hours_by(entries, "week")
    if not weeks:
        return None
    best = max(weeks.values())
    return next((week, hours) for week, hours in weeks.items() if hours == best)
