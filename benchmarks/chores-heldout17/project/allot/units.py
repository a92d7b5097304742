"""Plot sizes: the register writes them in rods (also called poles or perches) or in square metres."""

from __future__ import annotations

import re

# One square rod (a "rod", "pole" or "perch" on an allotment site) is 30.25 square yards.
SQM_PER_ROD = 25.29
ROD_WORDS = ("rod", "rods", "pole", "poles", "perch", "perches")
SQM_WORDS = ("m2", "m²", "sqm", "sq m")

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z²][a-z²2 ]*?)\s*$", re.IGNORECASE)


def parse_size(text: str) -> float:
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a plot size: {text!r}")
    amount = float(match.group(1))
    unit = match.group(2).lower()
    if amount <= 0:
        raise ValueError(f"a plot size must be more than zero: {text!r}")
    if unit in ROD_WORDS:
        return round(amount * SQM_PER_ROD, 2)
    if unit in SQM_WORDS:
        return amount
    raise ValueError(f"unknown unit {match.group(2)!r} in {text!r} (rods, poles, perches or m2)")


def to_rods(square_metres: float) -> float:
    """Square metres as rods, to two decimals."""
    return round(square_metres / SQM_PER_ROD, 2)


def format_area(square_metres: float) -> str:
    """An area for the tables: ``'252.9 m²'``."""
    return f"{square_metres:.1f} m²"
