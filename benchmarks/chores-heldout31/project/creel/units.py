"""Weights and lengths the way anglers write them, read to grams and centimetres."""

from __future__ import annotations

import re

GRAMS_PER_LB = 453.59237
GRAMS_PER_OZ = GRAMS_PER_LB / 16
CM_PER_INCH = 2.54

_DASH = re.compile(r"(\d+)\s*-\s*(\d{1,2})")
_METRIC = re.compile(r"(\d+(?:\.\d+)?)\s*(kg|kgs|kilos?|g|grams?)")
_LB_OZ = re.compile(r"(?:(\d+(?:\.\d+)?)\s*(?:lbs?|pounds?))?\s*(?:(\d+(?:\.\d+)?)\s*(?:oz|ounces?))?")
_LENGTH = re.compile(r'(\d+(?:\.\d+)?)\s*(cm|mm|inches|inch|in|")?')


def parse_weight(text):
    text = text.strip().lower()
    grams = None
    match = _DASH.fullmatch(text)
    if match:
        pounds, ounces = int(match.group(1)), int(match.group(2))
        if ounces >= 16:
            raise ValueError(f"not a weight: {text!r} (16 ounces make a pound)")
        grams = pounds * GRAMS_PER_LB + ounces * GRAMS_PER_OZ
    elif match := _METRIC.fullmatch(text):
        value = float(match.group(1))
        grams = value * 1000 if match.group(2).startswith("k") else value
    elif (match := _LB_OZ.fullmatch(text)) and (match.group(1) or match.group(2)):
        grams = float(match.group(1) or 0) * GRAMS_PER_LB + float(match.group(2) or 0) * GRAMS_PER_OZ
    if grams is None or round(grams) <= 0:
        raise ValueError(f"not a weight: {text!r}")
    return round(grams)


def parse_length(text):
    """A fish's length in centimetres (one decimal), or None when it was not measured."""
    text = text.strip().lower()
    if text in ("", "-"):
        return None
    match = _LENGTH.fullmatch(text)
    if not match:
        raise ValueError(f"not a length: {text!r}")
    value = float(match.group(1))
    unit = match.group(2) or "cm"
    if unit == "mm":
        value /= 10
    elif unit != "cm":
        value *= CM_PER_INCH
    return round(value, 1)


def lb_oz(grams: int) -> tuple[int, int]:
    """Pounds and ounces of a weight in grams, to the nearest ounce."""
    return divmod(round(grams / GRAMS_PER_OZ), 16)


def format_weight(grams):
    """A weight the way it is said on the bank: 5lb 14oz, or 12oz under a pound."""
    pounds, ounces = lb_oz(grams)
    if pounds:
        return f"{pounds}lb {ounces}oz"
    return f"{ounces}oz"
