"""Reading the observing log: one CSV row per target looked at, in the spellings of a cold night."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from obslog.optics import exit_pupil, magnification
from obslog.parse import (
    Eyepiece,
    normalise_site,
    normalise_target,
    parse_date,
    parse_eyepiece,
    parse_focal,
    parse_length,
    parse_magnitude,
    parse_seeing,
    parse_time,
    parse_transparency,
)

COLUMNS = ("date", "time", "site", "scope", "aperture", "focal", "eyepiece", "target", "mag", "seeing", "transp")


@dataclass(frozen=True)
class Observation:
    day: date
    clock: time | None
    site: str
    scope: str
    aperture_mm: float
    focal_mm: float
    eyepiece: Eyepiece
    target: str
    mag: float | None = None
    seeing: int | None = None
    transparency: int | None = None
    notes: str = ""

    @property
    def power(self) -> float:
        """The magnification used."""
        return magnification(self.focal_mm, self.eyepiece.focal_mm, self.eyepiece.barlow)

    @property
    def pupil(self) -> float:
        """The exit pupil in mm."""
        return exit_pupil(self.aperture_mm, self.power)


def parse_row(row: dict[str, str]) -> Observation:
    """One row of the log (a dict from csv.DictReader) as an Observation; ValueError when a field is bad."""
    missing = [column for column in COLUMNS if column not in row]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    aperture = parse_length(row["aperture"])
    return Observation(
        day=parse_date(row["date"]),
        clock=parse_time(row["time"]),
        site=normalise_site(row["site"]),
        scope=" ".join(row["scope"].split()),
        aperture_mm=aperture,
        focal_mm=parse_focal(row["focal"], aperture),
        eyepiece=parse_eyepiece(row["eyepiece"]),
        target=normalise_target(row["target"]),
        mag=parse_magnitude(row["mag"]),
        seeing=parse_seeing(row["seeing"]),
        transparency=parse_transparency(row["transp"]),
        notes=(row.get("notes") or "").strip(),
    )


def load_log(path: str | Path) -> list[Observation]:
    """Every observation in the log, in the order they were made."""
    with open(path, newline="", encoding="utf-8") as handle:
        observations = []
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                observations.append(parse_row(row))
            except ValueError as exc:
                raise ValueError(f"{path}, line {number}: {exc}") from None
    return sorted(observations, key=lambda obs: (obs.day, obs.clock or time.min))
