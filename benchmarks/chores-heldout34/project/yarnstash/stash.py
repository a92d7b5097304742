"""Reading the stash CSV: one row per yarn, however it was typed in."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from yarnstash.weights import parse_weight

METRES_PER_YARD = 0.9144

_LENGTH = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|metres|meters|yd|yds|yards?)?$")


@dataclass(frozen=True)
class Yarn:
    name: str
    brand: str
    weight: str  # a standard class from yarnstash.weights.WEIGHTS
    fibre: str
    colour: str
    skeins: float  # part-used skeins count as fractions
    metres_per_skein: float
    bought: date

    @property
    def metres(self) -> float:
        return self.skeins * self.metres_per_skein


def parse_length(text: str) -> float:
    cleaned = text.strip().lower().replace(",", "")
    match = _LENGTH.match(cleaned)
    if not match:
        raise ValueError(f"not a length: {text!r}")
    value = float(match.group(1))
    unit = match.group(2) or "m"
    if value <= 0:
        raise ValueError(f"length must be positive: {text!r}")
    if unit.startswith("y"):
        return value * METRES_PER_YARD
    return value


def parse_row(row: dict[str, str]) -> Yarn:
    """One CSV row as a Yarn (the weight and length normalised)."""
    skeins = float(row["skeins"].strip())
    if skeins < 0:
        raise ValueError(f"negative skeins: {row['skeins']!r}")
    return Yarn(
        name=row["name"].strip(),
        brand=row["brand"].strip(),
        weight=parse_weight(row["weight"]),
        fibre=row["fibre"].strip().lower(),
        colour=row["colour"].strip(),
        skeins=skeins,
        metres_per_skein=parse_length(row["length"]),
        bought=date.fromisoformat(row["bought"].strip()),
    )


def load_stash(path: str | Path) -> list[Yarn]:
    """Every yarn of the stash CSV, in file order."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [parse_row(row) for row in csv.DictReader(handle)]
    # TODO: skip blank lines at the end of the file instead of failing on them
