"""A training plan (a km target per week, from TOML or JSON) and how each week did against it."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from runlog.weekly import week_start, weekly_totals

TOLERANCE = 0.10  # within 10% of the target is on track


@dataclass(frozen=True)
class PlanWeek:
    start: date
    target_km: float
    note: str = ""


def load_plan(path: str | Path) -> list[PlanWeek]:
    """The planned weeks of a .toml or .json file ([[weeks]] with start and target_km), oldest first."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        data = tomllib.loads(text)
    elif path.suffix == ".json":
        data = json.loads(text)
    else:
        raise ValueError(f"{path}: a plan is a .toml or .json file")
    weeks = []
    for entry in data.get("weeks", []):
        start = entry["start"]
        if isinstance(start, str):
            start = date.fromisoformat(start)
        weeks.append(PlanWeek(week_start(start), float(entry["target_km"]), entry.get("note", "")))
    return sorted(weeks, key=lambda week: week.start)


def status(actual_km, target_km, tolerance=TOLERANCE):
    if actual_km > target_km * (1 + tolerance):
        return "ahead"
    if actual_km < target_km * (1 - tolerance):
        return "behind"
    return "on track"


def compare(plan, runs):
    """(planned week, km run that week, status) for each week of the plan."""
    done = {week.start: week.distance_km for week in weekly_totals(runs)}
    results = []
    for planned in plan:
        actual = done.get(planned.start, 0.0)
        results.append((planned, actual, status(actual, planned.target_km)))
    return results
