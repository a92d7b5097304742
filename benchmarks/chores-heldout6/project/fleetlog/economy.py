"""Fuel economy and running costs, by the full-tank method."""

from __future__ import annotations

from dataclasses import dataclass

from fleetlog.records import FuelUp, by_vehicle


@dataclass(frozen=True)
class Leg:
    """The driving between two consecutive fill-ups of one vehicle."""

    vehicle: str
    start: FuelUp
    end: FuelUp

    @property
    def distance_km(self) -> int:
        return self.end.odometer_km - self.start.odometer_km

    @property
    def litres_per_100km(self) -> float:
        # What went in at the end of the leg refills what the leg burnt.
        return self.end.litres / self.distance_km * 100


@dataclass(frozen=True)
class VehicleSummary:
    vehicle: str
    fill_ups: int
    distance_km: int
    litres: float
    cost: float

    @property
    def litres_per_100km(self) -> float | None:
        return self.litres / self.distance_km * 100 if self.distance_km else None

    @property
    def cost_per_km(self) -> float | None:
        return self.cost / self.distance_km if self.distance_km else None


def legs(fuelups):
    """Every leg of every vehicle, vehicle by vehicle; ValueError if an odometer goes backwards."""
    result = []
    for vehicle, entries in sorted(by_vehicle(fuelups).items()):
        for start, end in zip(entries, entries[1:]):
            if end.odometer_km <= start.odometer_km:
                raise ValueError(f"{vehicle}: odometer does not move forward on {end.day}")
            result.append(Leg(vehicle, start, end))
    return result


def summarise(fuelups):
    summaries = []
    for vehicle, entries in sorted(by_vehicle(fuelups).items()):
        burnt = entries[1:]
        summaries.append(
            VehicleSummary(
                vehicle=vehicle,
                fill_ups=len(entries),
                distance_km=entries[-1].odometer_km - entries[0].odometer_km,
                litres=round(sum(f.litres for f in burnt), 2),
                cost=round(sum(f.cost for f in burnt), 2),
            )
        )
    return summaries


def thirstiest_leg(fuelups):
    # TODO: ignore legs shorter than 50 km, a top-up after a short hop skews the figure
    all_legs = legs(fuelups)
    if not all_legs:
        return None
    return max(all_legs, key=lambda leg: leg.litres_per_100km)
