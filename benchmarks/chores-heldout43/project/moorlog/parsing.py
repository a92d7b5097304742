"""Parsers for the fields of the mooring log, which is typed in by hand at the harbour office.

Dates, times, lengths, tide heights and berths all come in several spellings; each parser turns
one field into a single normal form or raises ValueError.
"""

from __future__ import annotations

import re
from datetime import date, time

FEET = 0.3048  # metres in a foot

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}


def parse_date(text: str) -> date:
    """A day as `2026-05-01`, `02/05/2026` (day first) or `2 May 2026`."""
    cleaned = text.strip()
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", cleaned):
        year, month, day = (int(part) for part in cleaned.split("-"))
        return date(year, month, day)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cleaned)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    match = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", cleaned)
    if match and match.group(2)[:3].lower() in MONTHS:
        return date(int(match.group(3)), MONTHS[match.group(2)[:3].lower()], int(match.group(1)))
    raise ValueError(f"not a date: {text!r}")


def parse_tide_time(text):
    cleaned = text.strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)", cleaned)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise ValueError(f"not a time: {text!r}")
        if match.group(3) == "am":
            hour = 0 if hour == 12 else hour
        else:
            hour = 12 if hour == 12 else hour + 12
        return time(hour, minute)
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})|(\d{2})(\d{2})", cleaned)
    if match:
        hour, minute = (int(part) for part in match.groups() if part is not None)
        if hour > 23 or minute > 59:
            raise ValueError(f"not a time: {text!r}")
        return time(hour, minute)
    raise ValueError(f"not a time: {text!r}")


def parse_length(text: str) -> float:
    """A boat's length overall in metres, from `8.5m`, `8.5 m`, `28ft`, `28 feet`, `30'` or `9.1`."""
    cleaned = text.strip().lower()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(m|metres?|meters?|ft|feet|foot|')?", cleaned)
    if not match:
        raise ValueError(f"not a boat length: {text!r}")
    value = float(match.group(1))
    if value <= 0:
        raise ValueError(f"not a boat length: {text!r}")
    if match.group(2) in ("ft", "feet", "foot", "'"):
        value *= FEET
    return round(value, 2)


def parse_height(text: str) -> float:
    """A tide height in metres above chart datum, from `4.6m`, `4.6 m`, `14.9ft` or a bare `4.5`."""
    cleaned = text.strip().lower()
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(m|ft)?", cleaned)
    if not match:
        raise ValueError(f"not a tide height: {text!r}")
    value = float(match.group(1))
    # TODO: accept feet and inches (14ft 9in) as the old tide tables print them
    return round(value * FEET, 2) if match.group(2) == "ft" else value


def parse_nights(text: str) -> int:
    """The length of a stay: `3`, `3 nights`, `1 night` or `2n`; at least one night."""
    match = re.fullmatch(r"(\d+)\s*(?:n|nights?)?", text.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"not a number of nights: {text!r}")
    return int(match.group(1))


def normalise_boat(text: str) -> str:
    """A boat's name with the spacing tidied and each word capitalised: `SEA  WREN` -> `Sea Wren`."""
    name = " ".join(text.split())
    if not name:
        raise ValueError("a stay without a boat name")
    return name.title()


def normalise_berth(text: str) -> str:
    """A berth as pontoon letter and number: `b 4`, `B-04`, `Pontoon B 4` -> `B4`; `visitor 2` -> `V2`."""
    cleaned = text.strip().lower()
    cleaned = re.sub(r"^pontoon\s*", "", cleaned)
    cleaned = re.sub(r"^vis(?:itors?)?\s*", "v", cleaned)
    match = re.fullmatch(r"([a-z])\s*-?\s*0*(\d+)", cleaned)
    if not match or match.group(2) == "":
        raise ValueError(f"not a berth: {text!r}")
    return f"{match.group(1).upper()}{int(match.group(2))}"  # TODO: check the berth exists on the harbour plan
