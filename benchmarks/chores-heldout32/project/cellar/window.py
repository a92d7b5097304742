"""Drinking windows: the years a wine is at its best, from the cellar book or guessed from its colour."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Years after the vintage (or, for a non-vintage wine, after the year it was bought) when a lot with
# no window in the book starts and stops being ready, by colour.
DEFAULT_WINDOWS = {"red": (3, 10), "white": (1, 4), "rosé": (0, 2), "sparkling": (1, 5)}
# A lot is "drink soon" in the last DRINK_SOON_YEARS years of its window.
DRINK_SOON_YEARS = 2
# Most urgent first: the order `ready` lists the statuses in.
STATUSES = ("past its best", "drink soon", "ready", "wait")

_RANGE = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})")
_FROM = re.compile(r"(\d{4})\s*\+")
_UNTIL = re.compile(r"(?:until|by)\s+(\d{4})")


@dataclass(frozen=True)
class Window:
    start: int | None
    end: int | None

    def __str__(self) -> str:
        if self.start is None:
            return f"until {self.end}"
        if self.end is None:
            return f"{self.start}+"
        return f"{self.start}-{self.end}"


def parse_window(text: str) -> Window | None:
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    # TODO: "now-2028", meaning from the year the lot was bought
    if match := _RANGE.fullmatch(cleaned):
        start, end = int(match[1]), int(match[2])
        if end < start:
            raise ValueError(f"a drinking window that ends before it starts: {text!r}")
        return Window(start, end)
    if match := _FROM.fullmatch(cleaned):
        return Window(int(match[1]), None)
    if match := _UNTIL.fullmatch(cleaned):
        return Window(None, int(match[1]))
    raise ValueError(f"not a drinking window: {text!r}")


def default_window(colour: str, year: int) -> Window:
    """The window of a lot with none in the book: DEFAULT_WINDOWS years after ``year``."""
    first, last = DEFAULT_WINDOWS[colour]
    return Window(year + first, year + last)


def window_status(window: Window, year: int) -> str:
    """Where ``year`` falls in the window: wait, ready, drink soon or past its best."""
    if window.start is not None and year < window.start:
        return "wait"
    if window.end is not None:
        if year > window.end:
            return "past its best"
        if window.end - year < DRINK_SOON_YEARS:
            return "drink soon"
    return "ready"
