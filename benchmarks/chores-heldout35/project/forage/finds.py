"""Finds: one row of data/finds.csv per basket (date, species, spot, weight, count)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime

from forage.species import normalise_species

UNITS = {"g": 1.0, "kg": 1000.0, "oz": 28.35, "lb": 453.6}
_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)\s*(g|kg|oz|lb)s?")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")


@dataclass(frozen=True)
class Find:
    day: date
    species: str
    spot: str
    grams: float
    count: int = 1

    @property
    def grams_each(self) -> float:
        return self.grams / self.count


def parse_weight(text: str) -> float:
    cleaned = text.strip().lower().replace(",", ".")
    match = _WEIGHT.fullmatch(cleaned)
    if not match:
        raise ValueError(f"not a weight: {text!r}")
    grams = float(match.group(1)) * UNITS[match.group(2)]
    if grams <= 0:
        raise ValueError(f"a weight must be more than nothing: {text!r}")
    return round(grams, 1)


def parse_date(text: str) -> date:
    cleaned = " ".join(text.split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_row(row: dict[str, str]) -> Find:
    count = (row.get("count") or "").strip()
    # TODO: a count of "lots" or "a few" should not be an error
    return Find(
        day=parse_date(row["date"]),
        species=normalise_species(row["species"]),
        spot=" ".join(row["spot"].split()),
        grams=parse_weight(row["weight"]),
        count=int(count) if count else 1,
    )


def load_finds(path: str) -> list[Find]:
    with open(path, newline="", encoding="utf-8") as handle:
        finds = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(finds, key=lambda find: find.day)
