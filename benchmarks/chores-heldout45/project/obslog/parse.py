"""Parsers for the fields of the observing log, written as they get typed at the eyepiece."""

from __future__ import annotations

import re
from datetime import date, time
from typing import NamedTuple

MM_PER_INCH = 25.4

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_NUMBER = r"\d+(?:\.\d+)?"


def _month(name: str) -> int:
    month = _MONTHS.get(name[:3].lower())
    if month is None:
        raise ValueError(f"not a month: {name!r}")
    return month


def parse_date(text: str) -> date:
    """A day written as 2026-02-14, 14/02/2026 (day first), 14 Feb 2026 or Feb 14, 2026."""
    cleaned = " ".join(text.replace(",", " ").split())
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cleaned)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    match = re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", cleaned)
    if match:
        return date(int(match[3]), _month(match[2]), int(match[1]))
    match = re.fullmatch(r"([A-Za-z]+) (\d{1,2}) (\d{4})", cleaned)
    if match:
        return date(int(match[3]), _month(match[1]), int(match[2]))
    raise ValueError(f"not a date: {text!r}")


def parse_time(text: str) -> time | None:
    """A clock time: 21:40, 2140, 9:40pm, 9.40 pm or 1:10am; None when the cell is blank."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        return None
    match = re.fullmatch(r"(\d{1,2})[:.]?(\d{2})(am|pm)?", cleaned)
    if not match:
        raise ValueError(f"not a time: {text!r}")
    hour, minute, suffix = int(match[1]), int(match[2]), match[3]
    if suffix:
        if not 1 <= hour <= 12:
            raise ValueError(f"not a time: {text!r}")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    return time(hour, minute)


def parse_length(text: str) -> float:
    """A length in millimetres: 200mm, 20 cm, 1.2m, 8", 8 in or a bare number of millimetres."""
    cleaned = text.strip().lower()
    match = re.fullmatch(rf"({_NUMBER})\s*(mm|cm|m|in|inch|inches|\"|'')?", cleaned)
    if not match:
        raise ValueError(f"not a length: {text!r}")
    value = float(match[1])
    unit = match[2] or "mm"
    factor = {"mm": 1.0, "cm": 10.0, "m": 1000.0}.get(unit, MM_PER_INCH)
    if value <= 0:
        raise ValueError(f"a length must be more than 0: {text!r}")
    return value * factor


def parse_focal(text: str, aperture_mm: float) -> float:
    """A telescope's focal length in mm, as a length (1200mm, 1.2 m) or a focal ratio (f/6, F6)."""
    match = re.fullmatch(rf"f\s*/?\s*({_NUMBER})", text.strip().lower())
    if match:
        ratio = float(match[1])
        if ratio <= 0:
            raise ValueError(f"not a focal ratio: {text!r}")
        return ratio * aperture_mm
    return parse_length(text)


class Eyepiece(NamedTuple):
    focal_mm: float
    barlow: float = 1.0


_EYEPIECE = re.compile(
    rf"(?P<focal>{_NUMBER})\s*(?:mm)?"
    rf"(?:\s*(?:\+|w/|with)?\s*(?:(?P<before>{_NUMBER})\s*[x×]|[x×]\s*(?P<after>{_NUMBER}))\s*(?:barlow)?)?",
    re.IGNORECASE,
)


def parse_eyepiece(text: str) -> Eyepiece:
    """The eyepiece's focal length in mm and the Barlow's factor (1.0 without one)."""
    match = _EYEPIECE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not an eyepiece: {text!r}")
    focal = float(match["focal"])
    if focal <= 0:
        raise ValueError(f"an eyepiece's focal length must be more than 0: {text!r}")
    factor = match["before"] or match["after"]
    barlow = float(factor) if factor else 1.0
    if barlow <= 0:
        raise ValueError(f"not a Barlow factor: {text!r}")
    return Eyepiece(focal, barlow)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_SEEING_WORDS = {"perfect": 1, "excellent": 1, "good": 2, "moderate": 3, "average": 3, "fair": 3, "poor": 4, "bad": 5}


def parse_seeing(text: str) -> int | None:
    cleaned = re.sub(r"^(?:antoniadi|ant\.?)\s*", "", text.strip().lower())
    if not cleaned:
        return None
    if cleaned in _ROMAN:
        return _ROMAN[cleaned]
    if cleaned in _SEEING_WORDS:
        return _SEEING_WORDS[cleaned]
    if cleaned in {"1", "2", "3", "4", "5"}:
        return int(cleaned)
    raise ValueError(f"not a seeing grade (Antoniadi I to V): {text!r}")


_TRANSPARENCY_WORDS = {"very poor": 1, "poor": 2, "fair": 3, "average": 3, "good": 4, "very good": 5, "excellent": 5}
# The naked-eye limiting magnitude (NELM) at or above each floor, as a transparency grade.
NELM_GRADES = ((6.0, 5), (5.5, 4), (5.0, 3), (4.0, 2))


def parse_transparency(text: str) -> int | None:
    """A transparency grade from 1 (very poor) to 5 (excellent): 4, 4/5, a word, or NELM 5.8; None when blank."""
    cleaned = " ".join(text.lower().split())
    if not cleaned:
        return None
    match = re.fullmatch(r"nelm\s*(\d+(?:[.,]\d+)?)", cleaned)
    if match:
        nelm = float(match[1].replace(",", "."))
        return next((grade for floor, grade in NELM_GRADES if nelm >= floor), 1)
    match = re.fullmatch(r"([1-5])(?:\s*/\s*5)?", cleaned)
    if match:
        return int(match[1])
    if cleaned in _TRANSPARENCY_WORDS:
        return _TRANSPARENCY_WORDS[cleaned]
    raise ValueError(f"not a transparency: {text!r}")


def parse_magnitude(text: str) -> float | None:
    """A visual magnitude: 4.0, +8.4, -2.5 (or with a typographic minus), mag 9.4, m8.4, 6,4; None when blank."""
    cleaned = text.strip().lower().replace("\u2212", "-").replace(",", ".")
    cleaned = re.sub(r"^(?:mag|m)\.?\s*", "", cleaned)
    if not cleaned:
        return None
    if not re.fullmatch(rf"[+-]?{_NUMBER}", cleaned):
        raise ValueError(f"not a magnitude: {text!r}")
    return float(cleaned)


def normalise_target(text: str) -> str:
    """A target's catalogue form: 'm 42' and 'Messier 42' -> 'M42', 'ngc7000' -> 'NGC 7000', 'the moon' -> 'Moon'."""
    cleaned = " ".join(text.split())
    match = re.fullmatch(r"(?:m|messier)\s*(\d{1,3})", cleaned, re.IGNORECASE)
    if match:
        return f"M{int(match[1])}"
    match = re.fullmatch(r"(ngc|ic)\s*(\d{1,4})", cleaned, re.IGNORECASE)
    if match:
        return f"{match[1].upper()} {int(match[2])}"
    # TODO: read RA/Dec coordinates as a target too, for comets and the odd nova
    cleaned = re.sub(r"^the\s+", "", cleaned, flags=re.IGNORECASE)
    if not cleaned:
        raise ValueError(f"not a target: {text!r}")
    return cleaned.title()


def normalise_site(text: str) -> str:
    """A site's name with its spacing and case tidied: 'back  garden ' -> 'Back Garden'."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError("the site is blank")
    return cleaned.title()
