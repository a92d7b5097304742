"""The watering log: data/waterings.csv (date, plant, ml, fed), read and appended to."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

FIELDS = ("date", "plant", "ml", "fed")


@dataclass(frozen=True)
class Watering:
    day: date
    plant: str
    ml: int
    fed: bool = False


def parse_yes_no(text):
    value = (text or "").strip().lower()
    if value in ("yes", "y", "true", "1"):
        return True
    if value in ("", "no", "n", "false", "0"):
        return False
    raise ValueError(f"not yes or no: {text!r}")


def parse_row(row):
    """One CSV row as a Watering; ValueError when a field is bad."""
    day = date.fromisoformat(row["date"].strip())
    ml = int(row["ml"])
    if ml <= 0:
        raise ValueError(f"a watering needs some water: {row['ml']!r}")
    return Watering(day, row["plant"].strip(), ml, parse_yes_no(row.get("fed")))


def load_log(path):
    """Every watering in the log, oldest first (a missing log is an empty one)."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        waterings = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(waterings, key=lambda watering: watering.day)


def last_watered(log):
    """The day each plant was last watered, by plant name."""
    latest = {}
    for watering in log:
        if watering.plant not in latest or watering.day > latest[watering.plant]:
            latest[watering.plant] = watering.day
    return latest


def history(log, plant):
    return [watering for watering in log if watering.plant.lower() == plant.lower()]


def append_watering(path, watering):
    """Add one watering at the end of the log, keeping the old log as <log>.bak first."""
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if exists:
        shutil.copyfile(path, path.with_name(path.name + ".bak"))
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if not exists:
            writer.writerow(FIELDS)
        writer.writerow([watering.day.isoformat(), watering.plant, watering.ml, "yes" if watering.fed else "no"])
