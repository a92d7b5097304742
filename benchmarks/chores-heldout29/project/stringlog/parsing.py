"""Reading the hand-typed fields of the log: dates, gauges, hours, prices, guitar names."""

from __future__ import annotations

import re
from datetime import date, datetime

# The usual "10s", "11s"... shorthand: the treble gauge names the whole light set.
SET_BY_TREBLE = {9: 42, 10: 46, 11: 49, 12: 53, 13: 56}

# How the guitars get written in the log, read to one name each.
GUITAR_ALIASES = {
    "tele": "telecaster",
    "telecaster": "telecaster",
    "fender tele": "telecaster",
    "strat": "stratocaster",
    "stratocaster": "stratocaster",
    "acoustic": "acoustic",
    "martin": "acoustic",
    "d-18": "acoustic",
}

YES = {"yes", "y", "true", "1", "coated"}
NO = {"no", "n", "false", "0", "", "-"}

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hours?)?")
_HOURS_AND_MINUTES = re.compile(r"(\d+)\s*h\s*(\d{1,2})")
_MINUTES = re.compile(r"(\d+)\s*(?:m|min|mins|minutes?)")


def parse_date(text: str) -> date:
    """A day of the log: 2025-06-14, 21/07/2025 (day first) or 2 Sep 2025."""
    text = text.strip()
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    for form in ("%Y-%m-%d", "%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def _thousandths(part: str) -> int:
    if part.startswith("."):
        return round(float(part) * 1000)
    return int(part)


def parse_gauge(text: str) -> tuple[int, int]:
    text = text.strip().lower().replace("\u2013", "-").replace(" ", "")
    shorthand = re.fullmatch(r"(\d+)s", text)
    if shorthand:
        treble = int(shorthand.group(1))
        if treble not in SET_BY_TREBLE:
            raise ValueError(f"no standard set starts at {treble}: {text!r}")
        return treble, SET_BY_TREBLE[treble]
    pair = re.fullmatch(r"(\.?\d+)-(\.?\d+)", text)
    if not pair:
        raise ValueError(f"not a gauge: {text!r}")
    treble, bass = (_thousandths(part) for part in pair.groups())
    if treble >= bass:
        raise ValueError(f"the treble string must be lighter than the bass: {text!r}")
    return treble, bass


def parse_hours(text: str) -> float | None:
    """Hours played on a set: 38, 41.5, 120h, 30 hrs, 45 hours, 2h30, 90 min; blank or - is None."""
    text = text.strip().lower()
    if not text or text in {"-", "?"}:
        return None
    match = _HOURS_AND_MINUTES.fullmatch(text)
    if match:
        return int(match.group(1)) + int(match.group(2)) / 60
    match = _MINUTES.fullmatch(text)
    if match:
        return int(match.group(1)) / 60.0
    match = _HOURS.fullmatch(text)
    if match:
        return float(match.group(1))
    raise ValueError(f"not a number of hours: {text!r}")


def parse_price(text: str) -> float | None:
    """£7.50, 8.20, 6.80 GBP; blank is None (a set that was a gift, or not written down)."""
    text = text.strip().replace("£", "").removesuffix("GBP").strip()
    if not text:
        return None
    return float(text)  # TODO: accept a comma as the decimal mark (8,20)


def parse_coated(text: str) -> bool:
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(f"coated should be yes or no: {text!r}")


def canonical_guitar(text: str) -> str:
    """One name per guitar: 'Tele ', 'TELE', 'fender tele' -> 'telecaster'; unknown names lowercased."""
    name = " ".join(text.strip().lower().rstrip(".").split())
    name = name.removeprefix("the ")
    return GUITAR_ALIASES.get(name, name)
