"""Reading the jar log: one CSV row per jar, typed in by hand next to the crock."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from brinelog.brine import parse_brine
from brinelog.duration import parse_duration

# Each vegetable and the ways the log has spelled it (compared lower-cased, trimmed).
VEGETABLES = {
    "cucumber": ("cucumber", "cucumbers", "cuke", "cukes", "gherkin", "gherkins", "pickling cucumber"),
    "carrot": ("carrot", "carrots"),
    "cabbage": ("cabbage", "kraut", "sauerkraut", "red cabbage"),
    "green bean": ("green bean", "green beans", "beans", "dilly beans"),
    "radish": ("radish", "radishes"),
    "cauliflower": ("cauliflower", "cauli"),
    "jalapeno": ("jalapeno", "jalapenos", "jalapeño", "jalapeños"),
    "garlic": ("garlic", "garlic cloves"),
}
STATUSES = ("fermenting", "opened", "spoiled")
_STATUS_WORDS = {
    "": "fermenting",
    "fermenting": "fermenting",
    "bubbling": "fermenting",
    "active": "fermenting",
    "opened": "opened",
    "open": "opened",
    "eaten": "opened",
    "in fridge": "opened",
    "spoiled": "spoiled",
    "spoilt": "spoiled",
    "mould": "spoiled",
    "mouldy": "spoiled",
    "moldy": "spoiled",
    "tossed": "spoiled",
}
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


@dataclass(frozen=True)
class Jar:
    jar: str
    started: date
    vegetable: str
    brine: float  # percent of salt by weight of water
    days: int
    status: str = "fermenting"
    notes: str = ""

    @property
    def ready(self) -> date:
        """The day the ferment is due to be done."""
        return self.started + timedelta(days=self.days)


def parse_jar_id(text: str) -> str:
    """'J01', 'j2', '#3', 'Jar 4' -> 'J01', 'J02', 'J03', 'J04'."""
    match = re.fullmatch(r"(?:jar\s*#?|j|#)\s*(\d+)", text.strip().lower())
    if not match:
        raise ValueError(f"not a jar number: {text!r}")
    return f"J{int(match.group(1)):02d}"


def parse_date(text: str) -> date:
    """2026-03-01, 01/03/2026 (day first), 1 Mar 2026 or March 1 2026."""
    cleaned = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
        return date.fromisoformat(cleaned)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cleaned)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    words = cleaned.replace(",", " ").lower().split()
    if len(words) == 3:
        if words[0].isdigit() and words[1] in MONTHS and words[2].isdigit():
            return date(int(words[2]), MONTHS[words[1]], int(words[0]))
        if words[0] in MONTHS and words[1].isdigit() and words[2].isdigit():
            return date(int(words[2]), MONTHS[words[0]], int(words[1]))
    raise ValueError(f"not a date: {text!r}")


def parse_vegetable(text: str) -> str:
    """The vegetable's name as the reports use it, from any of the log's spellings."""
    cleaned = " ".join(text.strip().lower().split())
    for name, spellings in VEGETABLES.items():
        if cleaned in spellings:
            return name
    raise ValueError(f"unknown vegetable: {text!r}")


def parse_status(text: str) -> str:
    cleaned = " ".join(text.strip().lower().split())
    if cleaned not in _STATUS_WORDS:
        raise ValueError(f"unknown status: {text!r}")
    return _STATUS_WORDS[cleaned]


def parse_row(row: dict[str, str]) -> Jar:
    """One CSV row (a dict from csv.DictReader) as a Jar; ValueError when a field is bad."""
    return Jar(
        jar=parse_jar_id(row["jar"]),
        started=parse_date(row["started"]),
        vegetable=parse_vegetable(row["vegetable"]),
        brine=parse_brine(row["brine"]),
        days=parse_duration(row["duration"]),
        status=parse_status(row.get("status") or ""),
        notes=(row.get("notes") or "").strip(),
    )


def load_jars(path: str | Path) -> list[Jar]:
    """Every jar in the log, in the order they were started (then by jar number)."""
    with open(path, newline="", encoding="utf-8") as handle:
        # TODO: say which line of the CSV is bad instead of only raising
        jars = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(jars, key=lambda jar: (jar.started, jar.jar))
