"""Reading climbs from the logbook CSV (date, problem, wall, grade, style, attempts)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from boulderlog.grades import parse_grade

STYLES = ("flash", "send", "repeat", "attempt")
ALIASES = {"redpoint": "send", "rp": "send", "top": "send", "project": "attempt"}


@dataclass(frozen=True)
class Climb:
    day: date
    problem: str
    wall: str
    grade: int  # V scale, VB is -1
    style: str = "send"
    attempts: int = 1

    @property
    def topped(self) -> bool:
        """Flashes, sends and repeats reached the top; an attempt did not."""
        return self.style != "attempt"


def parse_date(text: str) -> date:
    """A day written as 2026-04-03 or, the way the gym's app exports it, 03/04/2026 (day first)."""
    text = text.strip()
    if "/" in text:
        return datetime.strptime(text, "%d/%m/%Y").date()
    return date.fromisoformat(text)


def parse_style(text: str) -> str:
    style = text.strip().lower() or "send"
    style = ALIASES.get(style, style)
    if style not in STYLES:
        raise ValueError(f"unknown style: {text!r}")
    return style


def parse_row(row: dict[str, str]) -> Climb:
    """One CSV row (a dict from csv.DictReader) as a Climb; ValueError when a field is bad."""
    style = parse_style(row.get("style") or "")
    attempts_text = (row.get("attempts") or "").strip()
    attempts = int(attempts_text) if attempts_text else 1
    if attempts < 1:
        raise ValueError(f"attempts must be 1 or more, not {attempts}")
    if style == "flash" and attempts != 1:
        # TODO: warn about a flash logged with several attempts instead of refusing the row
        raise ValueError(f"a flash takes one attempt, not {attempts}")
    return Climb(
        parse_date(row["date"]),
        row["problem"].strip(),
        row["wall"].strip(),
        parse_grade(row["grade"]),
        style,
        attempts,
    )


def load_climbs(path: str | Path) -> list[Climb]:
    """Every climb in the CSV file, oldest first (the same day keeps the file's order)."""
    with open(path, newline="", encoding="utf-8") as handle:
        climbs = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(climbs, key=lambda climb: climb.day)
