"""Reading the job log (data/jobs.csv): one row for every bike booked in to the workshop."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from spokes.money import Part, parse_parts, parse_price

WRITTEN_DATES = ("%d %b %Y", "%d %B %Y")  # 3 Apr 2026, 21 March 2026
YES = ("y", "yes")
NO = ("", "n", "no")

_CLOCK = re.compile(r"(\d+):([0-5]\d)")
_HOURS_AND_MINUTES = re.compile(r"(\d+)\s*h(?:rs?|ours?)?\s*(\d+)\s*(?:m|mins?|minutes?)?")
_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?)")
_MINUTES = re.compile(r"(\d+)\s*(?:m|mins?|minutes?)?")


@dataclass(frozen=True)
class Job:
    number: int
    booked_in: date
    bike: str
    work: str
    parts: tuple[Part, ...]
    labour_minutes: int
    mechanic: str
    concession: bool = False
    donation: int = 0  # pence; nothing given yet is 0
    collected: date | None = None

    @property
    def parts_total(self) -> int:
        """What the parts cost, in pence."""
        return sum(part.pence for part in self.parts)

    @property
    def waiting(self) -> bool:
        """The bike is still in the workshop."""
        return self.collected is None


def parse_date(text: str) -> date:
    """A day written ``2026-04-07``, ``07/04/2026`` (day first) or ``7 Apr 2026`` / ``7 April 2026``."""
    cleaned = " ".join(text.split())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
        return date.fromisoformat(cleaned)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cleaned)
    if match:
        day, month, year = (int(part) for part in match.groups())  # TODO: two-digit years (03/04/26) too
        return date(year, month, day)
    for layout in WRITTEN_DATES:
        try:
            return datetime.strptime(cleaned.title(), layout).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_labour(text: str) -> int:
    cleaned = text.strip().lower()
    if not cleaned:
        return 0
    match = _CLOCK.fullmatch(cleaned)
    if match:
        return int(match[1]) * 60 + int(match[2])
    match = _HOURS_AND_MINUTES.fullmatch(cleaned)
    if match:
        if int(match[2]) >= 60:
            raise ValueError(f"not a labour time: {text!r}")
        return int(match[1]) * 60 + int(match[2])
    match = _HOURS.fullmatch(cleaned)
    if match:
        return round(float(match[1]) * 60)
    match = _MINUTES.fullmatch(cleaned)
    if match:
        return int(match[1])
    raise ValueError(f"not a labour time: {text!r}")


def normalise_name(text: str) -> str:
    """A volunteer's name in one form whatever the case and spacing: ``" priya  s. "`` is ``Priya S``."""
    return " ".join(word.capitalize() for word in text.replace(".", " ").split())


def parse_yes_no(text: str) -> bool:
    cleaned = text.strip().lower()
    if cleaned in YES:
        return True
    if cleaned in NO:
        return False
    raise ValueError(f"not yes or no: {text!r}")


def parse_row(row: dict[str, str]) -> Job:
    """One row of the log (from csv.DictReader) as a Job; ValueError when a field cannot be read."""
    collected = (row.get("collected") or "").strip()
    donation = (row.get("donation") or "").strip()
    return Job(
        number=int(row["job"].strip()),
        booked_in=parse_date(row["booked_in"]),
        bike=" ".join(row["bike"].split()),
        work=" ".join((row.get("work") or "").split()),
        parts=parse_parts(row.get("parts") or ""),
        labour_minutes=parse_labour(row.get("labour") or ""),
        mechanic=normalise_name(row["mechanic"]),
        concession=parse_yes_no(row.get("concession") or ""),
        donation=parse_price(donation) if donation else 0,
        collected=parse_date(collected) if collected else None,
    )


def load_jobs(path: str | Path) -> list[Job]:
    """Every job in the log, in the order they were booked in."""
    with open(path, newline="", encoding="utf-8") as handle:
        jobs = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(jobs, key=lambda job: (job.booked_in, job.number))
