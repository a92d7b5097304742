"""Reading the scores CSV: one row per student, one column per graded item (scores out of 100)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

EXCUSED = "EX"
ID_COLUMN = "student_id"
NAME_COLUMN = "name"


@dataclass
class Student:
    student_id: str
    name: str
    scores: dict[str, float | None] = field(default_factory=dict)
    late_days: dict[str, int] = field(default_factory=dict)


def parse_cell(text: str) -> tuple[float | None, int]:
    text = text.strip()
    if not text:
        return 0.0, 0
    if text.upper() == EXCUSED:
        return None, 0
    score, _, late = text.partition("@")
    value = float(score)
    if not 0 <= value <= 100:
        raise ValueError(f"score out of range: {text!r}")
    return value, int(late) if late else 0


def read_scores(path: str | Path) -> list[Student]:
    # TODO: support a max-points row so that items need not be out of 100
    students = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or ID_COLUMN not in reader.fieldnames:
            raise ValueError(f"{path}: no {ID_COLUMN} column")
        items = [name for name in reader.fieldnames if name not in (ID_COLUMN, NAME_COLUMN)]
        for line, row in enumerate(reader, start=2):
            student = Student(row[ID_COLUMN].strip(), (row.get(NAME_COLUMN) or "").strip())
            for item in items:
                try:
                    score, late = parse_cell(row.get(item) or "")
                except ValueError as exc:
                    raise ValueError(f"{path}:{line}: {item}: {exc}") from None
                student.scores[item] = score
                if late:
                    student.late_days[item] = late
            students.append(student)
    return students
