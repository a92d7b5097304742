"""High waters from the log: the tide noted on each day a boat arrived, springs or neaps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from moorlog.log import Stay

SPRINGS_FROM_M = 4.5  # a high water this high or higher is a spring tide
NEAPS_BELOW_M = 3.5  # below this it is a neap tide


@dataclass(frozen=True)
class HighWater:
    day: date
    at: time
    height_m: float

    @property
    def kind(self) -> str:
        return tide_kind(self.height_m)


def tide_kind(height_m: float) -> str:
    """`springs`, `neaps` or `mid` for a high water of this height in metres."""
    if height_m >= SPRINGS_FROM_M:
        return "springs"
    if height_m < NEAPS_BELOW_M:
        return "neaps"
    return "mid"


def high_waters(stays: Iterable[Stay]) -> list[HighWater]:
    """The first high water noted on each day, oldest first; days without one are left out."""
    found: dict[date, HighWater] = {}
    for stay in stays:
        if stay.hw_time is None or stay.hw_height_m is None or stay.arrived in found:
            continue
        found[stay.arrived] = HighWater(stay.arrived, stay.hw_time, stay.hw_height_m)
    return [found[day] for day in sorted(found)]


def tidal_range_trend(waters: list[HighWater]) -> str:
    """`rising`, `falling` or `steady`: the last high water against the first."""
    if len(waters) < 2:
        return "steady"
    change = waters[-1].height_m - waters[0].height_m
    if abs(change) < 0.2:
        return "steady"
    return "rising" if change > 0 else "falling"
