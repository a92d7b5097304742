"""The car and its service schedule, from data/car.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class ServiceItem:
    name: str
    every_km: int | None = None
    every_months: int | None = None
    last_km: int | None = None  # None: never done since the car was bought
    last_date: date | None = None


@dataclass(frozen=True)
class Car:
    name: str
    bought: date
    bought_km: int
    tank_litres: float
    items: list[ServiceItem] = field(default_factory=list)


def _optional_int(entry: dict[str, object], key: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, int):
        raise ValueError(f"{key} must be a whole number, not {value!r}")
    return value


def _optional_date(entry: dict[str, object], key: str) -> date | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, date):
        raise ValueError(f"{key} must be a date (YYYY-MM-DD), not {value!r}")
    return value


def parse_item(entry: dict[str, object]) -> ServiceItem:
    item = ServiceItem(
        name=str(entry["name"]),
        every_km=_optional_int(entry, "every_km"),
        every_months=_optional_int(entry, "every_months"),
        last_km=_optional_int(entry, "last_km"),
        last_date=_optional_date(entry, "last_date"),
    )
    if item.every_km is None and item.every_months is None:
        raise ValueError(f"service item {item.name!r}: neither every_km nor every_months")
    return item


def load_car(path: str | Path) -> Car:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    car = data["car"]
    return Car(
        name=str(car["name"]),
        bought=car["bought"],
        bought_km=int(car["bought_km"]),
        tank_litres=float(car["tank_litres"]),
        items=[parse_item(entry) for entry in data.get("service", [])],
    )
