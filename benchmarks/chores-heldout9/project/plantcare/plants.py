"""The plants: reading data/plants.csv (name, species, room, interval, pot_litres, light)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

LIGHT_LEVELS = ("low", "medium", "bright")


@dataclass(frozen=True)
class Plant:
    name: str
    species: str
    room: str
    interval_days: int
    pot_litres: float
    light: str = "medium"


def parse_interval(text):
    """A watering interval as a number of days: '10' and '10d' are ten days, '2w' is two weeks."""
    text = text.strip().lower()
    if text.endswith("w"):
        days = int(text[:-1]) * 7
    elif text.endswith("d"):
        days = int(text[:-1])
    else:
        days = int(text)
    if days < 1:
        raise ValueError(f"not a watering interval: {text!r}")
    return days


def parse_row(row):
    """One CSV row (a dict from csv.DictReader) as a Plant; ValueError when a field is bad."""
    name = row["name"].strip()
    if not name:
        raise ValueError("a plant needs a name")
    light = (row.get("light") or "").strip().lower() or "medium"
    if light not in LIGHT_LEVELS:
        raise ValueError(f"unknown light level: {light!r}")
    pot_litres = float(row["pot_litres"])
    return Plant(name, row["species"].strip(), row["room"].strip(), parse_interval(row["interval"]), pot_litres, light)


def load_plants(path: str | Path) -> list[Plant]:
    """Every plant in the CSV file, in file order."""
    with open(path, newline="", encoding="utf-8") as handle:
        # TODO: warn about two plants with the same name instead of keeping both
        return [parse_row(row) for row in csv.DictReader(handle)]


def find_plant(plants, name):
    wanted = name.strip().lower()
    for plant in plants:
        if plant.name.lower() == wanted:
            return plant
    return None


def by_room(plants):
    rooms = {}
    for plant in plants:
        rooms.setdefault(plant.room, []).append(plant)
    return rooms
