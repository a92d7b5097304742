"""Tanks: a name, a kind (tropical, coldwater or marine) and a volume, from data/tanks.csv."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

GALLON_LITRES = 3.785  # a US gallon, in litres
KINDS = ("tropical", "coldwater", "marine")
# TODO: imperial gallons (4.546 L) for the tanks bought in the UK
_VOLUME = re.compile(r"(\d+(?:\.\d+)?)\s*(l|litres|liters|gal|gallons)")


@dataclass(frozen=True)
class Tank:
    name: str
    kind: str
    litres: float


def parse_volume(text: str) -> float:
    match = _VOLUME.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"not a volume in litres or gallons: {text!r}")
    value = float(match.group(1))
    if match.group(2).startswith("gal"):
        value *= GALLON_LITRES
    return value


def parse_kind(text: str) -> str:
    """The kind of tank, lower-cased; ValueError for anything but tropical, coldwater or marine."""
    kind = text.strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown kind of tank: {text!r}")
    return kind


def read_tanks(path: str | Path) -> dict[str, Tank]:
    """The tanks of a CSV file (name, kind, volume), by name, in the order of the file."""
    tanks: dict[str, Tank] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip()
            tanks[name] = Tank(name, parse_kind(row["kind"]), parse_volume(row["volume"]))
    return tanks
