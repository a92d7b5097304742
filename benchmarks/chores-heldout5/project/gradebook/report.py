"""The printed outputs: one row per student, the letter distribution, class statistics."""

from __future__ import annotations

from dataclasses import dataclass

from gradebook.grading import apply_curve, compute_grade, letter_for

LETTER_ORDER = ["A", "B", "C", "D", "F"]


@dataclass
class Row:
    student_id: str
    name: str
    percent: float
    letter: str


def build_rows(students, config, curve=0.0):
    percents = {student.student_id: compute_grade(student, config) for student in students}
    if curve:
        percents = apply_curve(percents, curve)
    rows = []
    for student in students:
        percent = percents[student.student_id]
        rows.append(Row(student.student_id, student.name, percent, letter_for(percent, config.cutoffs)))
    return rows


def class_stats(rows):
    """Mean, median, lowest and highest final percent (all 0.0 for an empty class)."""
    if not rows:
        return 0.0, 0.0, 0.0, 0.0
    values = sorted(row.percent for row in rows)
    middle = len(values) // 2
    # TODO: statistics.median does this
    if len(values) % 2:
        median = values[middle]
    else:
        median = (values[middle - 1] + values[middle]) / 2
    return round(sum(values) / len(values), 2), round(median, 2), values[0], values[-1]


def format_report(rows, title=""):
    width = max([len(row.name) for row in rows] + [4])
    lines = [title] if title else []
    lines.append(f"{'id':<6} {'name':<{width}} {'final':>6}  letter")
    for row in rows:
        lines.append(f"{row.student_id:<6} {row.name:<{width}} {row.percent:>6.2f}  {row.letter}")
    mean, median, low, high = class_stats(rows)
    lines.append(f"mean {mean:.2f}  median {median:.2f}  range {low:.2f}-{high:.2f}")
    return "\n".join(lines)


def letter_counts(rows, letters=None):
    order = list(letters or LETTER_ORDER)
    counts = {letter: 0 for letter in order}
    for row in rows:
        if row.letter not in counts:
            counts[row.letter] = 0
        counts[row.letter] += 1
    return counts


def format_letters(counts):
    lines = []
    for letter, count in counts.items():
        lines.append(f"{letter:<2} {count:>3}  {'#' * count}")
    return "\n".join(lines)
