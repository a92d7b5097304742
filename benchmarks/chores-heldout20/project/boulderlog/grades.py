"""Boulder grades: the V scale and Fontainebleau (Font) grades, and how to read and show them.

Grades are kept as V numbers: V0 is 0, V5 is 5, and VB (the beginner grade below V0) is -1.
"""

from __future__ import annotations

VB = -1

# The usual gym conversion: several Font grades share one V grade.
FONT_TO_V = {
    "4": 0,
    "4+": 0,
    "5": 1,
    "5+": 2,
    "6A": 3,
    "6A+": 3,
    "6B": 4,
    "6B+": 4,
    "6C": 5,
    "6C+": 5,
    "7A": 6,
    "7A+": 7,
    "7B": 8,
    "7B+": 8,
    "7C": 9,
    "7C+": 10,
    "8A": 11,  # TODO: the Font grades above 8A
}


def parse_grade(text):
    cleaned = text.strip().upper().replace(" ", "")
    if cleaned == "VB":
        return VB
    if cleaned.startswith("V"):
        number = cleaned[1:]
        if not number.isdigit():
            raise ValueError(f"not a grade: {text!r}")
        return int(number)
    if cleaned.startswith("FONT"):
        cleaned = cleaned[4:]
    elif cleaned.startswith("F"):
        cleaned = cleaned[1:]
    if cleaned in FONT_TO_V:
        return FONT_TO_V[cleaned]
    raise ValueError(f"not a grade: {text!r}")


def format_grade(grade: int | None) -> str:
    """V4, VB, or '-' for no grade at all."""
    if grade is None:
        return "-"
    return "VB" if grade < 0 else f"V{grade}"
