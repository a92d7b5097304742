"""Telescope arithmetic: magnification, exit pupil, the useful range, and how faint a scope reaches."""

from __future__ import annotations

import math

# The highest useful magnification of a telescope: twice its aperture in millimetres.
MAX_POWER_PER_MM = 2.0
# A dark-adapted eye's pupil: a beam wider than this wastes light (the magnification is too low).
MAX_EXIT_PUPIL_MM = 7.0
# The highest magnification each Antoniadi grade of seeing supports (grade I: only the aperture limits).
SEEING_CAPS = {2: 300.0, 3: 200.0, 4: 120.0, 5: 75.0}
LIMIT_AT_10_CM = 7.5  # TODO: let the user calibrate this against their own limiting magnitude
# Magnitudes to spare below a scope's limit for each reach verdict; fainter than the limit is "beyond".
REACH_STEPS = ((5.0, "easy"), (3.0, "fair"), (0.0, "hard"))


def magnification(scope_focal_mm: float, eyepiece_focal_mm: float, barlow: float = 1.0) -> float:
    """The magnification of an eyepiece in a telescope, with a Barlow's factor multiplied in."""
    return scope_focal_mm * barlow / eyepiece_focal_mm


def exit_pupil(aperture_mm: float, power: float) -> float:
    """The width in mm of the beam leaving the eyepiece."""
    return aperture_mm / power


def highest_useful_power(aperture_mm: float, seeing: int | None = None) -> float:
    """The aperture's limit, or the seeing's cap when that is lower."""
    limit = MAX_POWER_PER_MM * aperture_mm
    cap = SEEING_CAPS.get(seeing) if seeing is not None else None
    return min(limit, cap) if cap is not None else limit


def power_verdict(aperture_mm: float, power: float, seeing: int | None = None) -> str:
    """'too low' when the exit pupil is wider than the eye's, 'too high' above the useful limit, else 'ok'."""
    if exit_pupil(aperture_mm, power) > MAX_EXIT_PUPIL_MM:
        return "too low"
    if power > highest_useful_power(aperture_mm, seeing):
        return "too high"
    return "ok"


def limiting_magnitude(aperture_mm: float) -> float:
    """The faintest star magnitude a telescope shows: 7.5 + 5 log10 of the aperture in centimetres."""
    return LIMIT_AT_10_CM + 5 * math.log10(aperture_mm / 10)


def reach(mag: float | None, aperture_mm: float) -> str:
    """How easy a target of this magnitude is in the aperture: easy, fair, hard or beyond ('-' unknown)."""
    if mag is None:
        return "-"
    spare = limiting_magnitude(aperture_mm) - mag
    for floor, word in REACH_STEPS:
        if spare >= floor:
            return word
    return "beyond"
