"""Reading batches from the brew log CSV.

Columns: batch, brewed, name, style, og, fg, ferment_days, scores (the judges' scores out of 50,
separated by semicolons; blank until the batch has been tasted).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from brewlog.gravity import abv, parse_gravity

MAX_SCORE = 50


@dataclass(frozen=True)
class Batch:
    batch_id: str
    brewed: date
    name: str
    style: str
    og: float
    fg: float
    ferment_days: int
    scores: tuple[int, ...] = ()

    @property
    def abv(self) -> float:
        """Alcohol by volume in percent."""
        return abv(self.og, self.fg)


def parse_scores(text: str) -> tuple[int, ...]:
    """The judges' scores of a CSV cell, "38;41;35"; a blank cell means not tasted yet."""
    scores = []
    for part in text.split(";"):
        if not part.strip():
            continue
        score = int(part)
        if not 0 <= score <= MAX_SCORE:
            raise ValueError(f"a tasting score is 0 to {MAX_SCORE}: {part.strip()!r}")
        scores.append(score)
    return tuple(scores)


def parse_row(row: Mapping[str, str]) -> Batch:
    """One CSV row (a dict from csv.DictReader) as a Batch; ValueError when a field is bad."""
    batch_id = row["batch"].strip()
    brewed = date.fromisoformat(row["brewed"].strip())
    name = row["name"].strip()
    style = " ".join(row["style"].split())
    og, fg = parse_gravity(row["og"]), parse_gravity(row["fg"])
    days = int(row["ferment_days"])
    if days < 0:
        raise ValueError(f"{batch_id}: fermentation days cannot be negative: {days}")
    return Batch(batch_id, brewed, name, style, og, fg, days, parse_scores(row.get("scores") or ""))


def load_batches(path: str | Path) -> list[Batch]:
    """Every batch in the CSV file, oldest brew first."""
    with open(path, newline="", encoding="utf-8") as handle:
        batches = [parse_row(row) for row in csv.DictReader(handle)]
    # TODO: read a packaged date column and work out ferment_days from it
    return sorted(batches, key=lambda batch: batch.brewed)
