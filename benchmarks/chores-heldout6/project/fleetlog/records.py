"""Reading fuel-ups from the fleet's CSV log."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

COLUMNS = ("vehicle", "date", "odometer_km", "litres", "price_per_litre")


@dataclass(frozen=True)
class FuelUp:
    """One visit to the pump. Drivers fill the tank to the brim every time."""

    vehicle: str
    day: date
    odometer_km: int
    litres: float
    price_per_litre: float

    @property
    def cost(self) -> float:
        return round(self.litres * self.price_per_litre, 2)


def parse_row(row: dict[str, str]) -> FuelUp:
    """One CSV row as a FuelUp; ValueError when a field is missing or is not a number or a date."""
    missing = [name for name in COLUMNS if not (row.get(name) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    return FuelUp(
        vehicle=row["vehicle"].strip().upper(),
        day=date.fromisoformat(row["date"].strip()),
        odometer_km=int(row["odometer_km"].strip().replace("_", "")),
        litres=float(row["litres"]),
        price_per_litre=float(row["price_per_litre"]),
    )


def load_fuelups(path):
    fuelups = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                fuelups.append(parse_row(row))
            except ValueError:
                # TODO: say which rows we skip instead of dropping them silently
                continue
    return sorted(fuelups, key=lambda f: (f.vehicle, f.day, f.odometer_km))


def by_vehicle(fuelups):
    groups = {}
    for fuelup in fuelups:
        groups.setdefault(fuelup.vehicle, []).append(fuelup)
    for entries in groups.values():
        entries.sort(key=lambda f: (f.odometer_km, f.day))
    return groups
