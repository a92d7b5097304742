"""Reading the catch log: one fish per row of a CSV typed in on the bank."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from creel.units import parse_length, parse_weight

# How the log spells each species, and the species it means. Anything else is kept as written.
SPECIES = {
    "roach": "roach",
    "rudd": "rudd",
    "perch": "perch",
    "tench": "tench",
    "chub": "chub",
    "bream": "bream",
    "bronze bream": "bream",
    "common bream": "bream",
    "carp": "carp",
    "common": "carp",
    "common carp": "carp",
    "mirror": "carp",
    "mirror carp": "carp",
    "leather carp": "carp",
    "crucian": "crucian",
    "crucian carp": "crucian",
    "pike": "pike",
    "jack": "pike",
    "jack pike": "pike",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")
KEPT = {"y", "yes", "k", "kept"}
RETURNED = {"", "n", "no", "r", "returned"}


@dataclass(frozen=True)
class Catch:
    day: date
    water: str
    species: str
    grams: int
    length_cm: float | None = None
    bait: str = ""
    kept: bool = False


def parse_date(text):
    """A day written 2026-04-11, 11/04/2026 (day first), 11 Apr 2026 or 11 April 2026."""
    text = " ".join(text.split())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def normalise_species(text):
    """The species of a fish however the log spells it (`Mirror`, `jack pike`, `Perch `)."""
    key = " ".join(text.lower().split())
    if not key:
        raise ValueError("no species")
    # TODO: read extra spellings from a file next to the log instead of this table
    return SPECIES.get(key, key)


def normalise_water(text: str) -> str:
    """A water's name with its words capitalised and its spaces tidied: `mill  pond` is Mill Pond."""
    return " ".join(word.capitalize() for word in text.split())


def parse_kept(text):
    value = text.strip().lower()
    if value in KEPT:
        return True
    if value in RETURNED:
        return False
    raise ValueError(f"kept is yes or no, not {text!r}")


def parse_row(row):
    """One row of the log (a dict from csv.DictReader) as a Catch; ValueError when a field is bad."""
    return Catch(
        day=parse_date(row["date"]),
        water=normalise_water(row["water"]),
        species=normalise_species(row["species"]),
        grams=parse_weight(row["weight"]),
        length_cm=parse_length(row.get("length") or ""),
        bait=(row.get("bait") or "").strip().lower(),
        kept=parse_kept(row.get("kept") or ""),
    )


def load_catches(path: str | Path) -> list[Catch]:
    """Every fish in the log, oldest first (fish of one day in the order they were written)."""
    with open(path, newline="", encoding="utf-8") as handle:
        catches = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(catches, key=lambda catch: catch.day)
