"""Reading the swim log: one CSV row per session, typed in on the phone after the swim."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

YARD_M = 0.9144
STROKES = ("freestyle", "breaststroke", "backstroke", "butterfly", "medley")
_STROKE_NAMES = {
    "free": "freestyle",
    "freestyle": "freestyle",
    "front crawl": "freestyle",
    "crawl": "freestyle",
    "fc": "freestyle",
    "fr": "freestyle",
    "breast": "breaststroke",
    "breaststroke": "breaststroke",
    "br": "breaststroke",
    "back": "backstroke",
    "backstroke": "backstroke",
    "bk": "backstroke",
    "fly": "butterfly",
    "butterfly": "butterfly",
    "im": "medley",
    "medley": "medley",
    "individual medley": "medley",
}
_POOL = re.compile(r"(\d+(?:\.\d+)?)\s*(m|metres?|meters?|yd|yds|yards?)?", re.IGNORECASE)


@dataclass(frozen=True)
class Session:
    day: date
    pool_m: float
    lengths: int
    seconds: int
    stroke: str
    note: str = ""

    @property
    def distance_m(self) -> float:
        return self.pool_m * self.lengths


def parse_date(text: str) -> date:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    slashed = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if slashed:
        day, month, year = (int(group) for group in slashed.groups())
        return date(year, month, day)
    return datetime.strptime(text, "%d %b %Y").date()  # TODO: also "2 March 2026", spelled out


def parse_pool(text: str) -> float:
    match = _POOL.fullmatch(text.strip())
    if not match:
        raise ValueError(f"unreadable pool length: {text!r}")
    length = float(match.group(1))
    unit = (match.group(2) or "m").lower()
    if length <= 0:
        raise ValueError(f"a pool is longer than that: {text!r}")
    return length * YARD_M if unit.startswith("y") else length


def parse_time(text: str) -> int:
    """The time of a swim in whole seconds."""
    text = text.strip().lower()
    whole_minutes = re.fullmatch(r"(\d+)\s*min(?:s|utes?)?", text)
    if whole_minutes:
        return int(whole_minutes.group(1)) * 60
    letters = re.fullmatch(r"(\d+)m\s*(\d+)s", text)
    if letters:
        return int(letters.group(1)) * 60 + int(letters.group(2))
    parts = text.split(":")
    if len(parts) == 3:
        hours, minutes, seconds = (int(part) for part in parts)
    elif len(parts) == 2:
        hours = 0
        minutes, seconds = (int(part) for part in parts)
    else:
        raise ValueError(f"unreadable time: {text!r}")
    return hours * 3600 + minutes * 60 + seconds


def parse_stroke(text: str) -> str:
    """The stroke's name as one of STROKES, from any of the ways the log spells it."""
    name = " ".join(text.lower().replace("-", " ").split())
    if name not in _STROKE_NAMES:
        raise ValueError(f"unknown stroke: {text!r}")
    return _STROKE_NAMES[name]


def parse_row(row: dict[str, str]) -> Session:
    return Session(
        day=parse_date(row["date"]),
        pool_m=parse_pool(row["pool"]),
        lengths=int(row["lengths"]),
        seconds=parse_time(row["time"]),
        stroke=parse_stroke(row["stroke"]),
        note=(row.get("note") or "").strip(),
    )


def load_sessions(path: str | Path) -> list[Session]:
    """Every session of the log, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        sessions = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(sessions, key=lambda session: session.day)
