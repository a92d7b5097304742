"""The week's menu: data/menu.csv, one row per meal.

    day,meal,recipe,servings
    Mon,dinner,chili,4
    Tue,breakfast,pancakes,

``recipe`` is a recipe's slug (its file name) or its name; an empty ``servings`` means as many
as the recipe makes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MEALS = ("breakfast", "lunch", "dinner")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = {**{day.lower(): day for day in DAYS}, **dict(zip(_FULL_DAYS, DAYS, strict=True))}


class MenuError(ValueError):
    """A menu file that cannot be used; the message names the line."""


@dataclass(frozen=True)
class MenuEntry:
    day: str  # Mon .. Sun
    meal: str  # breakfast, lunch or dinner
    recipe: str
    servings: int | None = None  # None: what the recipe makes


def parse_day(text: str) -> str:
    """The short name of a day: "Mon", "monday", "MON" -> "Mon"; ValueError for anything else."""
    day = _DAY_NAMES.get(text.strip().lower())
    if day is None:
        raise ValueError(f"not a day of the week: {text!r}")
    return day


def parse_entry(row: dict[str, str]) -> MenuEntry:
    """One CSV row; ValueError for a bad day, meal, empty recipe or servings below one."""
    day = parse_day(row.get("day") or "")
    meal = (row.get("meal") or "").strip().lower()
    if meal not in MEALS:
        raise ValueError(f"meal must be one of {', '.join(MEALS)}, not {meal!r}")
    recipe = (row.get("recipe") or "").strip()
    if not recipe:
        raise ValueError("no recipe")
    text = (row.get("servings") or "").strip()
    servings = int(text) if text else None
    if servings is not None and servings <= 0:
        raise ValueError(f"servings must be above zero, not {servings}")
    return MenuEntry(day, meal, recipe, servings)


def load_menu(path: Path | str) -> list[MenuEntry]:
    """The menu in week order (Monday first, breakfast before dinner); MenuError names the bad line."""
    path = Path(path)
    entries = []
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    entries.append(parse_entry(row))
                except ValueError as exc:
                    raise MenuError(f"{path.name} line {line}: {exc}") from None
    except OSError as exc:
        raise MenuError(f"{path}: {exc.strerror or exc}") from None
    # TODO: warn about a day with two dinners (usually a copy-paste slip in the CSV)
    return sorted(entries, key=lambda entry: (DAYS.index(entry.day), MEALS.index(entry.meal)))


def meals_by_day(entries: list[MenuEntry]) -> dict[str, list[MenuEntry]]:
    """The entries of each day that has any, Monday first."""
    days: dict[str, list[MenuEntry]] = {}
    for entry in sorted(entries, key=lambda entry: (DAYS.index(entry.day), MEALS.index(entry.meal))):
        days.setdefault(entry.day, []).append(entry)
    return days
