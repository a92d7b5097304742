"""The monthly distance goal (data/goals.toml) and whether the month is on course for it."""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from laps.sessions import Session

# A month is still "on pace" when it is at most this far short of the pro-rata distance.
SLACK = 0.10


@dataclass(frozen=True)
class Goals:
    default_m: float
    months: dict[str, float] = field(default_factory=dict)

    def for_month(self, year: int, month: int) -> float:
        return self.months.get(f"{year:04d}-{month:02d}", self.default_m)


def parse_distance(value: str | int | float) -> float:
    """A goal distance in metres: "30 km", "30km", "18000 m", or a bare number of kilometres."""
    if isinstance(value, int | float):
        return float(value) * 1000
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(km|m)?", value.strip().lower())
    if not match:
        raise ValueError(f"unreadable goal distance: {value!r}")
    number = float(match.group(1))
    return number if match.group(2) == "m" else number * 1000


def load_goals(path: str | Path) -> Goals:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    default = parse_distance(data["default"]["distance"])
    months = {key: parse_distance(value) for key, value in data.get("months", {}).items()}
    return Goals(default, months)


# TODO: a yearly goal too, for the club challenge
def month_distance(sessions: Iterable[Session], year: int, month: int) -> float:
    return sum(s.distance_m for s in sessions if (s.day.year, s.day.month) == (year, month))


def judge(goal_m: float, swum_m: float, today: date) -> str:
    """done, on pace or behind: the distance so far against the goal pro rata to the day."""
    if swum_m >= goal_m:
        return "done"
    days = calendar.monthrange(today.year, today.month)[1]
    expected = goal_m * today.day / days
    if swum_m >= expected * (1 - SLACK):
        return "on pace"
    return "behind"
