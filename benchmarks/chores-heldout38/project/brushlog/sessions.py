"""Reading painting sessions from the log CSV (date, project, models, brand, paint, time, coats, status)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from brushlog.paints import canonical_brand, colour_name
from brushlog.units import parse_coats, parse_duration

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# The stages of a project, in the order they usually come; "shelved" is a project put aside.
STATUSES = ("primed", "basecoated", "shaded", "layered", "finished", "shelved")
STATUS_SPELLINGS = {
    "primed": ("primed", "prime", "primer", "undercoat", "undercoated"),
    "basecoated": ("basecoated", "basecoat", "base coat", "base coated", "base-coated", "bc"),
    "shaded": ("shaded", "shade", "wash", "washed"),
    "layered": ("layered", "layering", "layers", "highlighted", "highlights"),
    "finished": ("finished", "done", "complete", "completed"),
    "shelved": ("shelved", "on hold", "shelf", "paused"),
}
_STATUS_BY_SPELLING = {spelling: status for status, spellings in STATUS_SPELLINGS.items() for spelling in spellings}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_WRITTEN = re.compile(r"(\d{1,2}) ([a-z]+)\.? (\d{4})")
_WRITTEN_MONTH_FIRST = re.compile(r"([a-z]+)\.? (\d{1,2}) (\d{4})")


@dataclass(frozen=True)
class Session:
    day: date
    project: str
    models: int
    brand: str
    colour: str
    minutes: int
    coats: int
    status: str


def parse_date(text: str) -> date:
    """A day as the log writes it: 2026-03-02, 02/03/2026 (day first), 2 Mar 2026 or March 2, 2026."""
    cleaned = " ".join(text.replace(",", " ").lower().split())
    if match := _ISO.fullmatch(cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(cleaned):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _WRITTEN.fullmatch(cleaned)) and match[2] in MONTHS:
        day, month, year = int(match[1]), MONTHS[match[2]], int(match[3])
    elif (match := _WRITTEN_MONTH_FIRST.fullmatch(cleaned)) and match[1] in MONTHS:
        day, month, year = int(match[2]), MONTHS[match[1]], int(match[3])
    else:
        raise ValueError(f"not a date: {text!r}")
    return date(year, month, day)


def parse_status(text: str) -> str:
    """One of STATUSES for the log's spellings ('base coat', 'Done', 'on hold')."""
    key = " ".join(text.lower().split())
    try:
        return _STATUS_BY_SPELLING[key]
    except KeyError:
        raise ValueError(f"unknown project status: {text!r}") from None


def project_name(text: str) -> str:
    """The project as the reports name it: spaces tidied, first letter upper case, the rest lower."""
    name = " ".join(text.split()).lower()
    if not name:
        raise ValueError("a session without a project")
    return name[0].upper() + name[1:]


def parse_models(text: str) -> int:
    """How many models the session worked on: '10', '10 models', '1 model'."""
    cleaned = re.sub(r"\s*models?$", "", text.strip().lower())
    if not cleaned.isdigit() or int(cleaned) < 1:
        raise ValueError(f"not a number of models: {text!r}")
    return int(cleaned)


def parse_row(row: dict[str, str]) -> Session:
    """One CSV row (a dict from csv.DictReader) as a Session; ValueError when a field is bad."""
    return Session(
        day=parse_date(row["date"]),
        project=project_name(row["project"]),
        models=parse_models(row["models"]),
        brand=canonical_brand(row["brand"]),
        colour=colour_name(row["paint"]),
        minutes=parse_duration(row["time"]),
        coats=parse_coats(row.get("coats") or ""),
        status=parse_status(row["status"]),
    )


def load_sessions(path: str | Path) -> list[Session]:
    """Every session in the CSV file, oldest first (sessions of one day in the file's order)."""
    with open(path, newline="", encoding="utf-8") as handle:
        # TODO: say which line of the CSV is bad when a row does not parse
        sessions = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(sessions, key=lambda session: session.day)
