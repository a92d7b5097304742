"""The inspection log: one CSV row each time a hive is opened and looked through."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

TEMPERS = ("calm", "nervous", "defensive")
# An alcohol wash samples about half a cup of bees from a brood frame: roughly 300 of them.
DEFAULT_SAMPLE = 300


@dataclass(frozen=True)
class Inspection:
    day: date
    hive: str
    brood_frames: int
    queen_seen: bool
    mites: int | None  # None when no alcohol wash was done that day
    bees_sampled: int = DEFAULT_SAMPLE
    temper: str = "calm"
    notes: str = ""


def parse_bool(text):
    value = text.strip().lower()
    if value in ("yes", "y", "true", "1"):
        return True
    if value in ("no", "n", "false", "0", ""):
        return False
    raise ValueError(f"not a yes/no value: {text!r}")


def parse_row(row):
    temper = (row.get("temper") or "calm").strip().lower()
    if temper not in TEMPERS:
        raise ValueError(f"unknown temper {temper!r} (expected one of {', '.join(TEMPERS)})")
    mites = (row.get("mites") or "").strip()
    sample = (row.get("bees_sampled") or "").strip()
    brood_frames = int(row["brood_frames"])
    if not 0 <= brood_frames <= 10:
        raise ValueError(f"brood_frames must be between 0 and 10, not {brood_frames}")
    return Inspection(
        day=date.fromisoformat(row["date"].strip()),
        hive=row["hive"].strip(),
        brood_frames=brood_frames,
        queen_seen=parse_bool(row.get("queen_seen") or ""),
        mites=int(mites) if mites else None,
        bees_sampled=int(sample) if sample else DEFAULT_SAMPLE,
        temper=temper,
        notes=(row.get("notes") or "").strip(),
    )


def load_inspections(path):
    """Every inspection of the CSV file, oldest first (hives in name order on the same day)."""
    with open(path, newline="", encoding="utf-8") as handle:
        inspections = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(inspections, key=lambda inspection: (inspection.day, inspection.hive))


def latest_by_hive(inspections):
    """The most recent inspection of each hive, by hive name."""
    latest = {}
    for inspection in inspections:
        current = latest.get(inspection.hive)
        if current is None or inspection.day >= current.day:
            latest[inspection.hive] = inspection
    return dict(sorted(latest.items()))


def queenless_streak(inspections, hive):
    """How many of the hive's latest inspections in a row found no queen (0 when the last one did)."""
    # TODO: eggs seen should count as a queen seen, once the CSV has an eggs column
    streak = 0
    for inspection in sorted((i for i in inspections if i.hive == hive), key=lambda i: i.day, reverse=True):
        if inspection.queen_seen:
            break
        streak += 1
    return streak
