"""Water changes: how much of a tank's water to change to bring its nitrate down to the target."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from tanklog.readings import Reading
from tanklog.tanks import Tank

TARGET_NITRATE_PPM = 10.0
STEP_PERCENT = 5
MIN_PERCENT = 10  # a routine change, even when the nitrate is already low
MAX_PERCENT = 50  # more at once stresses the fish: change again the next day instead


@dataclass(frozen=True)
class Change:
    tank: str
    nitrate: float  # ppm, at the latest test
    percent: int
    litres: int
    again: bool  # more than MAX_PERCENT was needed: another change after a day


def needed_percent(nitrate: float, target: float = TARGET_NITRATE_PPM) -> float:
    """The share of the water, in percent, that fresh water must replace to reach the target."""
    if nitrate <= target:
        return 0.0
    return (1 - target / nitrate) * 100


def change_percent(nitrate: float, target: float = TARGET_NITRATE_PPM) -> int:
    needed = needed_percent(nitrate, target)
    percent = math.ceil(needed / STEP_PERCENT - 1e-9) * STEP_PERCENT
    return max(MIN_PERCENT, min(MAX_PERCENT, percent))


def change_litres(tank_litres: float, percent: int) -> int:
    """The litres to change: percent of the tank, to the nearest litre (a half litre up)."""
    return math.floor(tank_litres * percent / 100 + 0.5)


def plan_changes(
    tanks: Mapping[str, Tank], latest: Mapping[str, Reading], target: float = TARGET_NITRATE_PPM
) -> list[Change]:
    """A change for each tank with a test, in the order of the tank names."""
    changes = []
    for name in sorted(tanks):
        reading = latest.get(name)
        if reading is None:
            continue  # TODO: suggest a routine change for a tank never tested?
        percent = change_percent(reading.nitrate, target)
        again = needed_percent(reading.nitrate, target) > MAX_PERCENT
        changes.append(Change(name, reading.nitrate, percent, change_litres(tanks[name].litres, percent), again))
    return changes
