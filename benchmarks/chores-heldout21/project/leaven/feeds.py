"""Reading the feeding log: one CSV row per feed, as jotted down next to the jar.

Columns: fed, starter_g, flour, flour_g, water_g, rise, peak, note. The values are written by
hand, so each field has a parser that accepts the ways it tends to get written.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# How the flour column gets written -> the kind of flour it means.
FLOUR_ALIASES = {
    "rye": "rye",
    "dark rye": "rye",
    "white": "white",
    "bread": "white",
    "strong white": "white",
    "wholewheat": "wholewheat",
    "whole wheat": "wholewheat",
    "ww": "wholewheat",
    "spelt": "spelt",  # TODO: einkorn too, once I get hold of a bag
}
# Rises written as a word: the height at the peak over the height at the feed.
RISE_WORDS = {"flat": 1.0, "doubled": 2.0, "tripled": 3.0}


@dataclass(frozen=True)
class Feed:
    fed: datetime
    starter_g: float  # starter kept from the jar
    flour: str  # a kind from FLOUR_ALIASES' values
    flour_g: float
    water_g: float
    rise: float | None  # the height at the peak over the height at the feed (2.0 = doubled)
    peak_h: float | None  # hours from the feed to the peak
    note: str = ""


def parse_when(text: str) -> datetime:
    """The time of a feed: '2026-03-02 07:30', '2026-03-02T19:45' or '2026-03-02 7:45pm'."""
    # TODO: day-first dates (09/03/2026) from the old notebook export
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ t](\d{1,2}):(\d{2})\s*([ap]m)?", text.strip().lower())
    if not match:
        raise ValueError(f"unreadable feed time: {text!r}")
    day, suffix = match.group(1), match.group(4)
    hour, minute = int(match.group(2)), int(match.group(3))
    if suffix == "pm" and hour != 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute)


def parse_grams(text: str) -> float:
    """A weight: '100', '100g', '0.1 kg' or '100 ml' (water: a millilitre weighs a gram)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(g|kg|ml)?", text.strip().lower())
    if not match:
        raise ValueError(f"unreadable weight: {text!r}")
    value = float(match.group(1))
    return value * 1000 if match.group(2) == "kg" else value


def parse_flour(text: str) -> str:
    """The kind of flour, whatever the case and spacing: 'RYE', 'Whole Wheat', 'ww'."""
    key = " ".join(text.lower().split())
    if key not in FLOUR_ALIASES:
        raise ValueError(f"unknown flour: {text!r}")
    return FLOUR_ALIASES[key]


def parse_rise(text: str) -> float | None:
    """How far the starter rose, as the height at the peak over the height at the feed.

    '2x', '2.5×', 'x3', 'Doubled', '150%' (risen by 150%, so 2.5 times); None when blank.
    """
    cleaned = text.strip().lower().replace("×", "x").replace(" ", "")
    if not cleaned:
        return None
    if cleaned in RISE_WORDS:
        return RISE_WORDS[cleaned]
    try:
        value = float(cleaned.strip("x+%"))
    except ValueError:
        raise ValueError(f"unreadable rise: {text!r}") from None
    if cleaned.endswith("%"):
        value = 1 + value / 100
    return round(value, 2)


def parse_peak(text: str) -> float | None:
    """Hours from the feed to the peak: '4h30', '4.5h', '5:15', '270 min'; None when blank."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        return None
    if match := re.fullmatch(r"(\d+)(?:h|:)(\d{2})", cleaned):
        return round(int(match.group(1)) + int(match.group(2)) / 60, 2)
    if match := re.fullmatch(r"(\d+(?:\.\d+)?)(?:h|hrs?|hours?)?", cleaned):
        return float(match.group(1))
    if match := re.fullmatch(r"(\d+)(?:m|mins?|minutes?)", cleaned):
        return round(int(match.group(1)) / 60, 2)
    raise ValueError(f"unreadable peak time: {text!r}")


def parse_row(row: dict[str, str]) -> Feed:
    """One CSV row (a dict from csv.DictReader) as a Feed; ValueError when a field is bad."""
    return Feed(
        fed=parse_when(row["fed"]),
        starter_g=parse_grams(row["starter_g"]),
        flour=parse_flour(row["flour"]),
        flour_g=parse_grams(row["flour_g"]),
        water_g=parse_grams(row["water_g"]),
        rise=parse_rise(row.get("rise") or ""),
        peak_h=parse_peak(row.get("peak") or ""),
        note=(row.get("note") or "").strip(),
    )


def load_feeds(path: str | Path) -> list[Feed]:
    """Every feed in the log, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        feeds = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(feeds, key=lambda feed: feed.fed)
