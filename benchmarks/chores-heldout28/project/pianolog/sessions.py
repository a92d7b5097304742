"""Reading practice sessions from the log CSV (date, minutes, kind, piece, tempo, notes).

The log is typed in by hand after practice, so every field comes in a few spellings: the date as
``2026-03-02``, ``03/03/2026`` (day first) or ``5 Mar 2026``; the time at the piano as ``45``,
``45 min``, ``1h05`` or ``0:50``; the kind of practice in any case and with a few short forms.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

KINDS = ("scales", "technique", "repertoire", "sight-reading")
KIND_ALIASES = {
    "scale": "scales",
    "tech": "technique",
    "rep": "repertoire",
    "sight reading": "sight-reading",
    "sightreading": "sight-reading",
    "sr": "sight-reading",
    "s/r": "sight-reading",
}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MIN_TEMPO = 20
MAX_TEMPO = 300

_CLOCK = re.compile(r"(\d+):(\d{2})")
_HOURS = re.compile(r"(\d+)\s*h\s*(\d{1,2})?")
_MINUTES = re.compile(r"(\d+)\s*(?:min|mins|minutes|m)?")
_TEMPO = re.compile(r"(?:(?:q|♩)\s*=\s*)?(\d+)\s*(?:bpm)?")


@dataclass(frozen=True)
class Session:
    day: date
    minutes: int
    kind: str
    piece: str = ""
    tempo: int | None = None


def parse_date(text: str) -> date:
    """A date as ``2026-03-02``, ``03/03/2026`` (day first) or ``5 Mar 2026``; ValueError otherwise."""
    value = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    match = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]{3,})\s+(\d{4})", value)
    if match and match[2][:3].lower() in MONTHS:
        return date(int(match[3]), MONTHS.index(match[2][:3].lower()) + 1, int(match[1]))
    raise ValueError(f"not a date: {text!r}")


def parse_minutes(text: str) -> int:
    value = text.strip().lower()
    clock = _CLOCK.fullmatch(value)
    hours = _HOURS.fullmatch(value)
    plain = _MINUTES.fullmatch(value)
    if clock:
        if int(clock[2]) >= 60:
            raise ValueError(f"not a duration: {text!r}")
        total = int(clock[1]) * 60 + int(clock[2])
    elif hours:
        extra = int(hours[2] or 0)
        if extra >= 60:
            raise ValueError(f"not a duration: {text!r}")
        total = int(hours[1]) * 60 + extra
    elif plain:
        total = int(plain[1])
    else:
        raise ValueError(f"not a duration: {text!r}")
    if total <= 0:
        raise ValueError(f"not a positive duration: {text!r}")
    return total


def parse_tempo(text: str) -> int | None:
    value = text.strip().lower()
    if value in ("", "-"):
        return None
    match = _TEMPO.fullmatch(value)
    if not match:
        raise ValueError(f"not a tempo: {text!r}")
    bpm = int(match[1])
    if not MIN_TEMPO <= bpm <= MAX_TEMPO:
        raise ValueError(f"tempo out of range ({MIN_TEMPO}-{MAX_TEMPO} bpm): {text!r}")
    return bpm


def parse_kind(text: str) -> str:
    """The kind of practice, one of KINDS, from any case and the short forms in KIND_ALIASES."""
    value = " ".join(text.lower().split())
    kind = KIND_ALIASES.get(value, value)
    if kind not in KINDS:
        raise ValueError(f"unknown kind of practice: {text!r}")
    return kind


def parse_row(row: dict[str, str]) -> Session:
    """One CSV row (a dict from csv.DictReader) as a Session; ValueError when a field is bad."""
    return Session(
        day=parse_date(row["date"]),
        minutes=parse_minutes(row["minutes"]),
        kind=parse_kind(row["kind"]),
        piece=(row.get("piece") or "").strip(),
        tempo=parse_tempo(row.get("tempo") or ""),  # TODO: keep the tempo of each hand when both are noted
    )


def load_sessions(path: str | Path) -> list[Session]:
    """Every session in the CSV file, oldest first (sessions of one day in the file's order)."""
    with open(path, newline="", encoding="utf-8") as handle:
        sessions = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(sessions, key=lambda session: session.day)


def since(sessions: Iterable[Session], day: date) -> list[Session]:
    """The sessions on or after ``day``."""
    return [session for session in sessions if session.day >= day]
