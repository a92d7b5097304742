"""Readers for the cells of the walk log, which is typed on a phone between walks.

Every reader takes the text of one cell and gives back a clean value, or raises ValueError
with the cell quoted, so that a bad row is easy to find in the CSV.
"""

from __future__ import annotations

import re
from datetime import date, datetime

MILE_KM = 1.609344

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d %b %Y",
    "%d %B %Y",  # TODO: "6 Mar" with no year, taking the year of the row above
)


def parse_date(text: str) -> date:
    cleaned = " ".join(text.split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date: {text!r}")


_DURATION_WORDS = {
    "an hour": 60,
    "one hour": 60,
    "half an hour": 30,
    "half hour": 30,
    "an hour and a half": 90,
}
_HOURS_MINUTES = re.compile(
    r"(?:(?P<hours>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<minutes>\d+)\s*(?:m|min|mins|minute|minutes)?)?"
)


def parse_duration(text: str) -> int:
    cleaned = " ".join(text.lower().split())
    if cleaned in _DURATION_WORDS:
        return _DURATION_WORDS[cleaned]
    clock = re.fullmatch(r"(\d+):([0-5]\d)", cleaned)
    if clock:
        hours, minutes = int(clock.group(1)), int(clock.group(2))
        total = hours * 60 + minutes
    elif cleaned.isdigit():
        total = int(cleaned)
    else:
        match = _HOURS_MINUTES.fullmatch(cleaned)
        if not cleaned or not match or not (match.group("hours") or match.group("minutes")):
            raise ValueError(f"unreadable duration: {text!r}")
        decimal_hours = float(match.group("hours") or 0)
        extra_minutes = int(match.group("minutes") or 0)
        total = round(decimal_hours * 60) + extra_minutes
    if total <= 0:
        raise ValueError(f"a walk of no time at all: {text!r}")
    return total


_DISTANCE = re.compile(r"(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>km|kms|k|mi|mile|miles)?")
_NO_DISTANCE = {"", "-", "?", "n/a"}


def parse_distance(text: str) -> float | None:
    cleaned = text.strip().lower()
    if cleaned in _NO_DISTANCE:
        return None
    match = _DISTANCE.fullmatch(cleaned)
    if not match:
        raise ValueError(f"unreadable distance: {text!r}")
    number = float(match.group("number").replace(",", "."))
    unit = match.group("unit") or "km"
    km = number * MILE_KM if unit.startswith("mi") else number
    return round(km, 3)


_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|mx|dr)\.?\s+", re.IGNORECASE)


def _tidy(text: str) -> str:
    return " ".join(text.split())


def normalise_dog(text: str) -> str:
    """A dog's name as it is shown: dots dropped, spaces collapsed, each word capitalised."""
    name = _tidy(text.replace(".", " "))
    if not name:
        raise ValueError("a walk without a dog")
    return name.lower().title()


def normalise_owner(text: str) -> str:
    """An owner's name as invoices are addressed: no Mr/Mrs/Ms/Dr, spaces collapsed, capitalised."""
    name = _HONORIFIC.sub("", _tidy(text))
    if not name:
        raise ValueError(f"a walk without an owner: {text!r}")
    return name.lower().title()


_WALK_TYPES = {
    "group": "group",
    "pack": "group",
    "solo": "solo",
    "1:1": "solo",
    "1-1": "solo",
    "private": "solo",
}


def parse_walk_type(text: str) -> str:
    key = _tidy(text).lower()
    if key not in _WALK_TYPES:
        raise ValueError(f"unknown kind of walk: {text!r} (group or solo)")
    return _WALK_TYPES[key]
