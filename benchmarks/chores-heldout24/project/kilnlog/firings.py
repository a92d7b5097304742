"""Reading the firing log: one row per firing, typed in by hand when the kiln is unloaded."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kilnlog.cones import parse_cone

KINDS = ("bisque", "glaze", "raku", "luster")
# How the log spells each kind of firing (after lower-casing and squeezing the spaces).
ALIASES = {
    "bisque": "bisque",
    "biscuit": "bisque",
    "bisc": "bisque",
    "bisk": "bisque",
    "glaze": "glaze",
    "glost": "glaze",
    "glaze firing": "glaze",
    "raku": "raku",
    "luster": "luster",
    "lustre": "luster",
}


@dataclass(frozen=True)
class Firing:
    day: date
    kind: str
    cone: str
    peak_c: float
    minutes: int
    pieces: int
    lost: int = 0
    notes: str = ""

    @property
    def whole(self) -> int:
        """The pieces that came out of the kiln whole."""
        return self.pieces - self.lost


def parse_kind(text):
    """The kind of firing for any of the log's spellings: `Biscuit` is a bisque, `glost` a glaze."""
    key = " ".join(text.lower().split())
    if key not in ALIASES:
        raise ValueError(f"unknown kind of firing: {text!r}")
    return ALIASES[key]


_TEMPERATURE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:°|º|deg)?\s*([cf])?")


def parse_temperature(text):
    match = _TEMPERATURE.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(f"not a temperature: {text!r}")
    value = float(match[1])
    if match[2] == "f":
        return (value - 32) * 5 / 9
    return value


_CLOCK = re.compile(r"(\d+):(\d\d)")
_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?)\s*(\d\d?)?")
_MINUTES = re.compile(r"(\d+)\s*(?:m|mins?|minutes?)")


def parse_duration(text):
    """How long a firing took, in whole minutes, from `11:15`, `11h15`, `11h`, `9.5h` or `45 min`."""
    cleaned = text.strip().lower()
    if match := _CLOCK.fullmatch(cleaned):
        hours, minutes = int(match[1]), int(match[2])
    elif match := _HOURS.fullmatch(cleaned):
        hours, minutes = float(match[1]), int(match[2] or 0)
    elif match := _MINUTES.fullmatch(cleaned):
        hours, minutes = 0, int(match[1])
    else:
        raise ValueError(f"not a firing time: {text!r}")
    if minutes >= 60 and match.re is not _MINUTES:
        raise ValueError(f"more than 59 minutes past the hour: {text!r}")
    total = round(hours * 60) + minutes
    if total <= 0:
        raise ValueError(f"a firing takes some time: {text!r}")
    return total


def parse_row(row):
    """One row of the log (a dict from csv.DictReader) as a Firing; ValueError when a field is bad."""
    pieces = int(row["pieces"])
    lost = int((row.get("lost") or "0").strip() or 0)
    if not 0 <= lost <= pieces:
        raise ValueError(f"{lost} lost out of {pieces} pieces")
    return Firing(
        day=date.fromisoformat(row["date"].strip()),
        kind=parse_kind(row["kind"]),
        cone=parse_cone(row["cone"]),
        peak_c=parse_temperature(row["peak"]),
        minutes=parse_duration(row["time"]),
        pieces=pieces,
        lost=lost,
        notes=(row.get("notes") or "").strip(),
    )


def load_firings(path: str | Path) -> list[Firing]:
    """Every firing in the CSV log, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        firings = [parse_row(row) for row in csv.DictReader(handle)]  # TODO: say which line of the log is bad
    return sorted(firings, key=lambda firing: firing.day)
