"""Reading rounds from the scorecard log CSV (date, course, tees, holes, score, putts, notes)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fairway.courses import Course, find_course

TEES = ("white", "yellow", "red")
TEE_SPELLINGS = {
    "white": "white", "w": "white", "wht": "white",
    "yellow": "yellow", "y": "yellow", "yel": "yellow",
    "red": "red", "r": "red",
}  # fmt: skip
NO_RETURN = ("nr", "n/r", "no return", "dnf")


@dataclass(frozen=True)
class Round:
    day: date
    course: str
    tees: str
    score: int | None  # None: no return (the card was not finished)
    holes: int = 18
    rating: float = 72.0
    slope: int = 113
    par: int = 72
    putts: int | None = None
    notes: str = ""

    @property
    def finished(self) -> bool:
        return self.score is not None


def parse_date(text: str) -> date:
    """An ISO date (2026-04-01) or a day-first one with slashes (14/04/2026)."""
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def parse_tees(text: str) -> str:
    """white, yellow or red from the ways the log writes them (W, wht, Yel, YELLOW...)."""
    colour = TEE_SPELLINGS.get(text.strip().lower())
    if colour is None:
        raise ValueError(f"unknown tees: {text!r}")
    return colour


def parse_score(text: str) -> int | None:
    cleaned = " ".join(text.split()).lower()
    if cleaned in NO_RETURN:
        return None
    if not cleaned.isdecimal():
        raise ValueError(f"not a score: {text!r}")
    score = int(cleaned)
    if score <= 0:
        raise ValueError(f"not a score: {text!r}")
    return score


def parse_putts(text: str) -> int | None:
    """The putts of a round; None when they were not counted (blank or -)."""
    text = text.strip()
    return None if text in ("", "-") else int(text)


def parse_row(row: dict[str, str], courses: dict[str, Course]) -> Round:
    """One CSV row (from csv.DictReader) as a Round, with its course's par and its tees' numbers."""
    course = find_course(courses, row["course"])
    tees = parse_tees(row["tees"])
    numbers = course.tee(tees)
    holes = int((row.get("holes") or "").strip() or 18)  # TODO: warn about a 9-hole card with an 18-hole score
    return Round(
        day=parse_date(row["date"]),
        course=course.name,
        tees=tees,
        score=parse_score(row["score"]),
        holes=holes,
        rating=numbers.rating,
        slope=numbers.slope,
        par=course.par,
        putts=parse_putts(row.get("putts") or ""),
        notes=(row.get("notes") or "").strip(),
    )


def load_rounds(path: str | Path, courses: dict[str, Course]) -> list[Round]:
    """Every round of the log, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        rounds = [parse_row(row, courses) for row in csv.DictReader(handle)]
    return sorted(rounds, key=lambda played: played.day)
