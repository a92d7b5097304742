"""The course configuration: category weights, drop rules, late policy and letter cutoffs.

A course is described by a small TOML file (see ``data/course.toml``); the registrar's
plus/minus scale comes as JSON (``data/grade_scale.json``).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CUTOFFS = {"A": 90.0, "B": 80.0, "C": 70.0, "D": 60.0}


@dataclass
class Category:
    name: str
    weight: float
    columns: list[str]
    drop_lowest: int = 0


@dataclass
class CourseConfig:
    name: str
    categories: list[Category]
    cutoffs: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CUTOFFS))
    late_per_day: float = 10.0
    late_max_days: int = 5

    def category_for(self, column: str) -> Category | None:
        for category in self.categories:
            if column in category.columns:
                return category
        return None

    def columns(self) -> list[str]:
        return [column for category in self.categories for column in category.columns]


def parse_config(data: dict) -> CourseConfig:
    """Build a CourseConfig from the parsed TOML document."""
    course = data.get("course", {})
    categories = []
    for name, table in data.get("categories", {}).items():
        categories.append(
            Category(
                name=name,
                weight=float(table["weight"]),
                columns=list(table.get("columns", [])),
                drop_lowest=int(table.get("drop_lowest", 0)),
            )
        )
    if not categories:
        raise ValueError("the course has no categories")
    # TODO: warn when a column is listed in two categories
    late = data.get("late", {})
    letters = data.get("letters")
    cutoffs = {letter: float(minimum) for letter, minimum in letters.items()} if letters else dict(DEFAULT_CUTOFFS)
    return CourseConfig(
        name=course.get("name", "Untitled course"),
        categories=categories,
        cutoffs=cutoffs,
        late_per_day=float(late.get("per_day", 10.0)),
        late_max_days=int(late.get("max_days", 5)),
    )


def load_config(path: str | Path) -> CourseConfig:
    with open(path, "rb") as handle:
        return parse_config(tomllib.load(handle))


def load_scale(path):
    """The registrar's letter scale: {letter: minimum percent}, highest letter first."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = sorted(entries, key=lambda entry: entry["min_percent"], reverse=True)
    return {entry["letter"]: float(entry["min_percent"]) for entry in entries}
