"""The film stocks in the log, their box speeds, and pushing or pulling them."""

from __future__ import annotations

import math
import re

BOX_SPEED = {
    "HP5 Plus": 400,
    "FP4 Plus": 125,
    "Delta 100": 100,
    "Tri-X": 400,
    "T-Max 400": 400,
}

_ALIASES = {
    "hp5": "HP5 Plus",
    "fp4": "FP4 Plus",
    "delta100": "Delta 100",
    "trix": "Tri-X",
    "trix400": "Tri-X",
    "tx": "Tri-X",
    "tx400": "Tri-X",
    "tmax400": "T-Max 400",
    "tmy": "T-Max 400",  # TODO: TMY-2 and TMZ once someone shoots them
}

_MAKERS = ("ilford", "kodak")


def normalise_stock(text):
    key = re.sub(r"[^a-z0-9+]", "", text.lower())
    for maker in _MAKERS:
        key = key.removeprefix(maker)
    key = key.removesuffix("+").removesuffix("plus")
    if key not in _ALIASES:
        raise ValueError(f"unknown film stock: {text!r}")
    return _ALIASES[key]


def push_stops(ei: int, film: str) -> float:
    """Stops pushed (positive) or pulled (negative) to shoot `film` at `ei`, to the nearest third."""
    return round(math.log2(ei / BOX_SPEED[film]) * 3) / 3


def format_stops(stops: float) -> str:
    """+1, +2/3, -1, or "box" for none."""
    if abs(stops) < 1e-9:
        return "box"
    whole, thirds = divmod(round(abs(stops) * 3), 3)
    sign = "+" if stops > 0 else "-"
    if thirds == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole} {thirds}/3" if whole else f"{sign}{thirds}/3"
