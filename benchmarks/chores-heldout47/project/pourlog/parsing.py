"""Reading the batch book as it is typed in: dates, weights, fragrance, cure times, codes and prices."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

GRAMS_PER_OUNCE = 28.349523125
GRAMS_PER_POUND = 453.59237

# grams per unit; a bare number is grams
WEIGHT_UNITS = {
    "": 1.0,
    "g": 1.0,
    "gr": 1.0,
    "gram": 1.0,
    "grams": 1.0,
    "kg": 1000.0,
    "kgs": 1000.0,
    "oz": GRAMS_PER_OUNCE,
    "lb": GRAMS_PER_POUND,
    "lbs": GRAMS_PER_POUND,
}

# what the log says -> the product it is
PRODUCTS = {
    "container": "container",
    "container candle": "container",
    "jar": "container",
    "jar candle": "container",
    "pillar": "pillar",
    "pillar candle": "pillar",
    "tealight": "tealight",
    "tealights": "tealight",
    "tea light": "tealight",
    "tea lights": "tealight",
    "cold process": "cold process",
    "cold process soap": "cold process",
    "cp": "cold process",
    "cp soap": "cold process",
    "hot process": "hot process",
    "hot process soap": "hot process",
    "hp": "hot process",
    "hp soap": "hot process",
    "melt and pour": "melt and pour",
    "melt & pour": "melt and pour",
    "m&p": "melt and pour",
    "mp": "melt and pour",
}

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
_CURE = re.compile(r"(\d+(?:\.\d+)?)\s*(d|days?|w|wks?|weeks?)?")
_CODE = re.compile(r"([cs])\s*-?\s*(\d{1,3})")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")


def parse_date(text: str) -> date:
    """A day as the log writes it: 2026-03-02, 02/03/2026 (day first), 2 Mar 2026 or 2 March 2026."""
    cleaned = " ".join(text.split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_weight(text: str) -> float:
    """A weight in grams from 450g, 1.2 kg, 16oz, 1.5 lb, 2 lbs or a bare number of grams."""
    # TODO: accept a decimal comma ("1,2 kg") the way the scales print it
    cleaned = text.strip().lower()
    match = _AMOUNT.fullmatch(cleaned)
    if not match or match.group(2) not in WEIGHT_UNITS:
        raise ValueError(f"not a weight: {text!r}")
    return float(match.group(1)) * WEIGHT_UNITS[match.group(2)]


def parse_fragrance(text: str, base_g: float) -> float:
    cleaned = text.strip().lower()
    if not cleaned:
        return 0.0
    if cleaned.endswith("%"):
        try:
            percent = float(cleaned[:-1].strip())
        except ValueError:
            raise ValueError(f"not a fragrance amount: {text!r}") from None
        if percent < 0:
            raise ValueError(f"not a fragrance amount: {text!r}")
        return base_g * percent / 100
    return parse_weight(cleaned)


def parse_cure(text: str) -> int | None:
    """Days of cure from 28, 28d, 28 days, 4w, 4 wks or 4 weeks; None when left blank."""
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    match = _CURE.fullmatch(cleaned)
    if not match:
        raise ValueError(f"not a cure time: {text!r}")
    number, unit = float(match.group(1)), match.group(2) or "d"
    days = number * 7 if unit.startswith("w") else number
    return math.ceil(days)


def parse_code(text: str) -> str:
    """A batch code as C-014 or S-007, from c14, C014, s 7 or S-007."""
    match = _CODE.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(f"not a batch code: {text!r}")
    return f"{match.group(1).upper()}-{int(match.group(2)):03d}"


def parse_product(text: str) -> str:
    """One of the six products from the log's spelling of it (CP, M&P, jar candle, Tealights...)."""
    cleaned = " ".join(text.lower().replace("-", " ").split())
    if cleaned not in PRODUCTS:
        raise ValueError(f"unknown product: {text!r}")
    return PRODUCTS[cleaned]


def parse_price(text: str) -> int:
    """A price in pence from £8, £8.50, 8.5 or £ 12.00."""
    cleaned = text.strip().lstrip("£").strip()
    match = re.fullmatch(r"(\d+)(?:\.(\d{1,2}))?", cleaned)
    if not match:
        raise ValueError(f"not a price: {text!r}")
    pence = (match.group(2) or "0").ljust(2, "0")
    return int(match.group(1)) * 100 + int(pence)
