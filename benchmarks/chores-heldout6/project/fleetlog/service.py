"""Service intervals from a TOML file, and which vehicles are due."""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date

from fleetlog.records import by_vehicle


@dataclass(frozen=True)
class Interval:
    """A service to do every `km` kilometres or every `months` months, whichever comes first."""

    name: str
    km: int | None = None
    months: int | None = None


@dataclass(frozen=True)
class Done:
    vehicle: str
    service: str
    day: date
    odometer_km: int


@dataclass(frozen=True)
class Due:
    vehicle: str
    service: str
    reason: str  # "km", "date" or "never"
    detail: str


@dataclass
class ServiceConfig:
    intervals: dict[str, Interval]
    done: list[Done]

    def last_done(self, vehicle: str, service: str) -> Done | None:
        matches = [d for d in self.done if d.vehicle == vehicle and d.service == service]
        return max(matches, key=lambda d: (d.day, d.odometer_km), default=None)


def load_config(path):
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    intervals = {}
    for name, spec in raw.get("intervals", {}).items():
        # TODO: reject unknown keys, a typo like "kms" silently turns the limit off
        interval = Interval(name, spec.get("km"), spec.get("months"))
        if interval.km is None and interval.months is None:
            raise ValueError(f"interval {name!r}: give km, months or both")
        intervals[name] = interval
    done = [
        Done(entry["vehicle"].strip().upper(), entry["service"], entry["date"], int(entry["odometer_km"]))
        for entry in raw.get("done", [])
    ]
    return ServiceConfig(intervals, done)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year = day.year + index // 12
    month = index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def current_odometer(fuelups, vehicle):
    readings = [f.odometer_km for f in fuelups if f.vehicle == vehicle]
    return max(readings) if readings else None


def due_services(config, fuelups, today):
    """What each vehicle of the log is due for on `today`, vehicle by vehicle, service by service."""
    dues = []
    for vehicle in sorted(by_vehicle(fuelups)):
        odometer = current_odometer(fuelups, vehicle)
        for name, interval in sorted(config.intervals.items()):
            last = config.last_done(vehicle, name)
            if last is None:
                dues.append(Due(vehicle, name, "never", "no service on record"))
                continue
            if interval.km is not None:
                driven = odometer - last.odometer_km
                if driven >= interval.km:
                    dues.append(Due(vehicle, name, "km", f"{driven:,} km since {last.day}"))
                    continue
            if interval.months is not None:
                deadline = add_months(last.day, interval.months)
                if deadline <= today:
                    dues.append(Due(vehicle, name, "date", f"due since {deadline}"))
    return dues
