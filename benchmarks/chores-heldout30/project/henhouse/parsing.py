"""Reading the hand-typed fields of the egg log: days, weights and shells."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "sept": 9, "october": 10, "november": 11, "december": 12,
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # TODO: two-digit years (4/3/26) from the old notebook
_WRITTEN = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})")

GRAMS_PER_OUNCE = 28.3495
_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)\s*(g|grams?|oz|ounces?)?")

SHELLS = {
    "": "ok",
    "ok": "ok",
    "fine": "ok",
    "soft": "soft",
    "soft shell": "soft",
    "thin": "soft",
    "cracked": "cracked",
    "crack": "cracked",
    "double yolk": "double yolk",
    "dbl yolk": "double yolk",
    "dy": "double yolk",
}


def parse_date(text: str) -> date:
    """The day of a log row: 2026-03-02, 02/03/2026 or 2/3/2026 (day first), 2 Mar 2026 or 2 March 2026."""
    cleaned = text.strip()
    if match := _ISO.fullmatch(cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := _SLASHED.fullmatch(cleaned):
        day, month, year = (int(part) for part in match.groups())
    elif match := _WRITTEN.fullmatch(cleaned):
        name = match.group(2).lower()
        found = MONTHS.get(name) or MONTH_NAMES.get(name)
        if found is None:
            raise ValueError(f"not a date: {text!r}")
        day, month, year = int(match.group(1)), found, int(match.group(3))
    else:
        raise ValueError(f"not a date: {text!r}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None


def parse_weight(text: str) -> float:
    """The weight of an egg in grams.

    Takes grams (``62g``, ``62 g``, ``62 grams``, or a bare ``62``) or ounces (``2.2 oz``,
    ``2.2oz``, ``2 ounces``), in any case and with spaces around. An ounce is 28.3495 g.
    ValueError for anything else, and for a weight of zero.
    """
    match = _WEIGHT.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(f"not a weight: {text!r}")
    number, unit = float(match.group(1)), match.group(2) or "g"
    grams = number * GRAMS_PER_OUNCE if unit.startswith("o") else number
    if grams <= 0:
        raise ValueError(f"an egg weighs more than nothing: {text!r}")
    return grams


def parse_shell(text: str) -> str:
    """The shell as ok, soft, cracked or double yolk (blank is ok)."""
    key = " ".join(text.lower().split())
    if key not in SHELLS:
        raise ValueError(f"unknown shell: {text!r}")
    return SHELLS[key]
