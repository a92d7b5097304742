"""The egg log: one row per egg collected (date, hen, weight, shell, notes)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from henhouse.flock import canonical_hen
from henhouse.parsing import parse_date, parse_shell, parse_weight


@dataclass(frozen=True)
class Egg:
    day: date
    hen: str
    weight_g: float
    shell: str = "ok"
    note: str = ""


def parse_row(row: dict[str, str]) -> Egg:
    """One row of the log (a dict from csv.DictReader) as an Egg; ValueError when a field is bad."""
    return Egg(
        day=parse_date(row["date"]),
        hen=canonical_hen(row["hen"]),
        weight_g=parse_weight(row["weight"]),
        shell=parse_shell(row.get("shell") or ""),
        note=(row.get("notes") or "").strip(),
    )


def load_eggs(path: str | Path) -> list[Egg]:
    """Every egg of the log file, oldest first (eggs of one day keep the order of the file)."""
    with open(path, newline="", encoding="utf-8") as handle:
        eggs = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(eggs, key=lambda egg: egg.day)
