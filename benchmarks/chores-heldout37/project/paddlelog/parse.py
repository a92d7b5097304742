"""Readers for the fields of the trip log, typed in by hand after each trip.

Dates, distances, durations, grades, boats and the names of rivers and lakes come in
many spellings; each reader gives back one normal form or raises ValueError.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")  # TODO: month-first dates from the club's spreadsheet
_DAY_MONTH = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})")
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")

# kilometres in one of each unit; a distance with no unit is in kilometres
KM_PER_UNIT = {"km": 1.0, "mi": 1.609344, "nm": 1.852}
UNITS = {
    "": "km", "k": "km", "km": "km", "kms": "km", "kilometres": "km", "kilometers": "km",
    "mi": "mi", "mile": "mi", "miles": "mi",
    "nm": "nm", "nmi": "nm", "nautical miles": "nm",
}  # fmt: skip
_DISTANCE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z ]*)")

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_HOURS = re.compile(r"(\d{1,2})\s*h(?:rs?|ours?)?\s*(?:(\d{1,2})\s*(?:m|min|mins)?)?")
_DECIMAL_HOURS = re.compile(r"(\d+\.\d+)\s*h(?:rs?|ours?)?")
_MINUTES = re.compile(r"(\d+)\s*(?:m|min|mins|minutes)")

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}
FLAT = frozenset({"", "-", "0", "flat", "none", "n/a"})
_GRADE = re.compile(r"(?:grade|gr\.?)?\s*([ivx]+|\d)\s*[+-]?")

CRAFTS = {
    "kayak": "kayak", "k1": "kayak", "k2": "kayak", "sea kayak": "kayak", "sit on top": "kayak",
    "canoe": "canoe", "open canoe": "canoe", "oc": "canoe", "oc1": "canoe", "oc2": "canoe",
    "c1": "canoe", "c2": "canoe",
}  # fmt: skip

# words that stay in lower case inside a name: Loch of the Lowes
SMALL_WORDS = frozenset({"of", "the", "on", "and", "at"})


def _month(name: str, text: str) -> int:
    number = MONTHS.get(name[:3])
    if number is None:
        raise ValueError(f"unknown month in {text!r}")
    return number


def parse_date(text: str) -> date:
    """The day of a trip: 2026-03-14, 14/03/2026 (day first), 14 Mar 2026 or March 14, 2026."""
    cleaned = text.strip().lower()
    if match := _ISO.fullmatch(cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(cleaned):
        day, month, year = (int(part) for part in match.groups())
    elif match := _DAY_MONTH.fullmatch(cleaned):
        day, month, year = int(match[1]), _month(match[2], text), int(match[3])
    elif match := _MONTH_DAY.fullmatch(cleaned):
        month, day, year = _month(match[1], text), int(match[2]), int(match[3])
    else:
        raise ValueError(f"unreadable date {text!r}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"no such day: {text!r}") from None


def parse_distance(text: str) -> float:
    match = _DISTANCE.fullmatch(text.strip().lower())
    unit = " ".join(match[2].split()) if match else None
    if match is None or unit not in UNITS:
        raise ValueError(f"unreadable distance {text!r}")
    km = float(match[1]) * KM_PER_UNIT[UNITS[unit]]
    if km <= 0:
        raise ValueError(f"distance {text!r} is not more than zero")
    return km


def parse_duration(text: str) -> int:
    """How long a trip took, in whole minutes: 2h15, 2:15, 135 min, 1.5h, 3h."""
    spelled = text.strip().lower()
    match = _CLOCK.fullmatch(spelled) or _HOURS.fullmatch(spelled)
    if match:
        hours, minutes = int(match[1]), int(match[2] or 0)
        if minutes >= 60:
            raise ValueError(f"bad duration {text!r}: more than 59 minutes past the hour")
        total = hours * 60 + minutes
    elif match := _DECIMAL_HOURS.fullmatch(spelled):
        total = round(float(match[1]) * 60)
    elif match := _MINUTES.fullmatch(spelled):
        total = int(match[1])
    else:
        raise ValueError(f"unreadable duration {text!r}")
    if total <= 0:
        raise ValueError(f"duration {text!r} is not more than zero")
    return total


def parse_grade(text: str) -> int:
    """The whitewater grade as a number, 0 (flat water) to 6; II, 2, grade 2, Gr 2 and II+ are all 2."""
    cleaned = text.strip().lower()
    if cleaned in FLAT:
        return 0
    match = _GRADE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"unreadable grade {text!r}")
    token = match[1]
    grade = int(token) if token.isdigit() else ROMAN.get(token, -1)
    if not 0 <= grade <= 6:
        raise ValueError(f"no such grade {text!r}")
    return grade


def parse_craft(text: str) -> str:
    """The boat: 'kayak' (K1, sea kayak, ...) or 'canoe' (open canoe, OC, C1, ...)."""
    key = " ".join(text.lower().replace("-", " ").split())
    if key not in CRAFTS:
        raise ValueError(f"unknown boat {text!r}")
    return CRAFTS[key]


def normalise_water(text: str) -> str:
    """The name of a river or lake as it should be written: 'loch of the lowes' -> 'Loch of the Lowes'."""
    words = text.split()
    if not words:
        raise ValueError("a trip needs the name of its river or lake")
    named = []
    for position, word in enumerate(words):
        word = word.lower()
        named.append(word if position and word in SMALL_WORDS else word.capitalize())
    return " ".join(named)
