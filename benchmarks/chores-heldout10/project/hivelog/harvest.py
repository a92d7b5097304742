"""Honey harvests: weighed in pounds on the old spring scale, kept in kilograms, sold in jars."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

LB_PER_KG = 2.20462
JAR_GRAMS = 340  # the 12 oz jar


@dataclass(frozen=True)
class Harvest:
    day: date
    hive: str
    supers: int
    weight_lb: float

    @property
    def weight_kg(self) -> float:
        return lb_to_kg(self.weight_lb)


def lb_to_kg(pounds: float) -> float:
    return pounds / LB_PER_KG


def kg_to_lb(kilograms: float) -> float:
    return kilograms * LB_PER_KG


def load_harvests(path: str | Path) -> list[Harvest]:
    """Every harvest of the CSV file (date, hive, supers, weight_lb), oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        harvests = [
            Harvest(date.fromisoformat(row["date"]), row["hive"].strip(), int(row["supers"]), float(row["weight_lb"]))
            for row in csv.DictReader(handle)
        ]
    return sorted(harvests, key=lambda harvest: (harvest.day, harvest.hive))


def totals_by_hive(harvests: list[Harvest], year: int | None = None) -> dict[str, float]:
    """Kilograms of honey per hive (of one year, when given), by hive name."""
    totals: dict[str, float] = defaultdict(float)
    for harvest in harvests:
        if year is None or harvest.day.year == year:
            totals[harvest.hive] += harvest.weight_kg
    return dict(sorted(totals.items()))


def jars_filled(weight_kg: float, jar_grams: int = JAR_GRAMS) -> int:
    if jar_grams <= 0:
        raise ValueError(f"jar_grams must be positive, not {jar_grams}")
    return int(weight_kg * 1000 // jar_grams)
