"""The courses file (data/courses.toml): par, the rating and slope of each set of tees, and aliases."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Tees:
    colour: str
    rating: float
    slope: int


@dataclass(frozen=True)
class Course:
    name: str
    par: int
    tees: dict[str, Tees] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    def tee(self, colour: str) -> Tees:
        """The named tees of this course; ValueError when the course has none of that colour."""
        if colour not in self.tees:
            raise ValueError(f"{self.name} has no {colour} tees")
        return self.tees[colour]


def normalise(name: str) -> str:
    """A course name as it is compared: lower case, single spaces, no space at either end."""
    return " ".join(name.lower().split())


def load_courses(path: str | Path) -> dict[str, Course]:
    """Every course of the file, by name."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    courses = {}
    for entry in data.get("course", []):
        tees = {
            colour: Tees(colour, float(numbers["rating"]), int(numbers["slope"]))
            for colour, numbers in entry.get("tees", {}).items()
        }
        aliases = tuple(entry.get("aliases", []))
        courses[entry["name"]] = Course(entry["name"], int(entry["par"]), tees, aliases)
    return courses


def find_course(courses: dict[str, Course], name: str) -> Course:
    """The course a name in the log stands for: its own name or one of its aliases, in any case."""
    wanted = normalise(name)
    for course in courses.values():
        if wanted == normalise(course.name) or wanted in (normalise(alias) for alias in course.aliases):
            return course
    raise ValueError(f"unknown course: {name!r}")  # TODO: suggest the closest course name
