"""Session lengths and coat counts as they get typed into the log."""

from __future__ import annotations

import re

# "1:20" is an hour and twenty minutes (h:mm), never minutes and seconds.
_CLOCK = re.compile(r"(?P<hours>\d+):(?P<minutes>\d\d)")
# "1h20", "1h 20m", "2h", "2 hours", "1 hr 5 mins"
_HOURS_AND_MINUTES = re.compile(
    r"(?P<h>\d+)\s*(?:h|hrs?|hours?)\s*(?:(?P<m>\d+)\s*(?:m|mins?|minutes?)?)?"
)
# "1.5h", "0.75 hours"
_DECIMAL_HOURS = re.compile(r"(?P<decimal>\d*\.\d+)\s*(?:h|hrs?|hours?)")
# "80 min", "80mins", "45m", or a bare "80"
_MINUTES = re.compile(r"(?P<minutes_only>\d+)\s*(?:m|mins?|minutes?)?")

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}  # TODO: "a couple"?


def parse_duration(text: str) -> int:
    """The length of a painting session in whole minutes."""
    cleaned = text.strip().lower()
    if match := _CLOCK.fullmatch(cleaned):
        hours, minutes = int(match["hours"]), int(match["minutes"])
        if minutes >= 60:
            raise ValueError(f"not a session length: {text!r}")
        total = hours * 60 + minutes
    elif match := _HOURS_AND_MINUTES.fullmatch(cleaned):
        extra = int(match["m"] or 0)
        if extra >= 60:
            raise ValueError(f"not a session length: {text!r}")
        total = int(match["h"]) * 60 + extra
    elif match := _DECIMAL_HOURS.fullmatch(cleaned):
        total = round(float(match["decimal"]) * 60)
    elif match := _MINUTES.fullmatch(cleaned):
        total = int(match["minutes_only"])
    else:
        raise ValueError(f"not a session length: {text!r}")
    if total <= 0:
        raise ValueError(f"a session of no time at all: {text!r}")
    return total


def parse_coats(text: str) -> int:
    cleaned = " ".join(text.lower().split())
    if not cleaned:
        return 0
    cleaned = re.sub(r"\s*coats?$", "", cleaned)
    cleaned = cleaned.removeprefix("x").removesuffix("x").strip()
    if cleaned in NUMBER_WORDS:
        return NUMBER_WORDS[cleaned]
    if not cleaned.isdigit():
        raise ValueError(f"not a number of coats: {text!r}")
    return int(cleaned)


def format_minutes(minutes: int) -> str:
    """Minutes as hours and minutes, the way the log writes them: 80 -> '1h20', 45 -> '0h45'."""
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}"
