"""Development times and developer temperatures as they get written down at the sink."""

from __future__ import annotations

import re

# A developer colder or warmer than this is a typo, not a development.
PLAUSIBLE_C = (10.0, 40.0)

_MIN_SEC = re.compile(r"(\d+):([0-5]\d)")
_M_S = re.compile(r"(\d+)\s*m\s*(\d+)\s*s")
_MINUTES = re.compile(r"(\d+(?:\.\d+)?)\s*(?:m|min|mins|minutes)?")


def parse_dev_time(text):
    # TODO: accept 9'30" as well, the old notebooks write it that way
    cleaned = text.strip().lower()
    match = _MIN_SEC.fullmatch(cleaned)
    if match:
        seconds = int(match[1]) * 60 + int(match[2])
    elif match := _M_S.fullmatch(cleaned):
        if int(match[2]) >= 60:
            raise ValueError(f"not a development time: {text!r}")
        seconds = int(match[1]) * 60 + int(match[2])
    elif match := _MINUTES.fullmatch(cleaned):
        seconds = round(float(match[1]) * 60)
    else:
        raise ValueError(f"not a development time: {text!r}")
    if seconds <= 0:
        raise ValueError(f"a development time must be more than zero: {text!r}")
    return seconds


def format_time(seconds: int) -> str:
    """Seconds as m:ss, e.g. 570 -> "9:30"."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def parse_temperature(text: str) -> float:
    """The developer's temperature in °C, rounded to a tenth; °F readings are converted."""
    cleaned = text.strip().lower().replace("°", "").replace(" ", "")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(c|f)?", cleaned)
    if not match:
        raise ValueError(f"not a temperature: {text!r}")
    value = float(match[1])
    if match[2] == "f":
        value = (value - 32) * 5 / 9
    low, high = PLAUSIBLE_C
    if not low <= value <= high:
        raise ValueError(f"implausible developer temperature: {text!r} ({value:.1f} °C)")
    return round(value, 1)
