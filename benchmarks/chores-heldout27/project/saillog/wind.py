"""The wind a passage was sailed in: Beaufort forces, knots, and the conditions they make."""

from __future__ import annotations

import re
from bisect import bisect_right

# The lowest wind speed, in knots, of forces 1 to 12: force n starts at BEAUFORT_KNOTS[n - 1].
BEAUFORT_KNOTS = (1, 4, 7, 11, 17, 22, 28, 34, 41, 48, 56, 64)
MAX_FORCE = 12
# Conditions by the lowest force that makes them; anything from force 7 up is "strong".
CONDITIONS = (("light", 0), ("moderate", 3), ("fresh", 5), ("strong", 7))

_KNOTS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:kn|kt|kts|knots?)")
_FORCE = re.compile(r"(?:f|force|bft)?\s*(\d{1,2})")


def beaufort(knots: float) -> int:
    """The Beaufort force of a wind speed in knots (17 kn is force 5, 16.9 kn force 4)."""
    if knots < 0:
        raise ValueError(f"a wind speed is not negative: {knots}")
    return bisect_right(BEAUFORT_KNOTS, knots)


def parse_wind(text: str) -> int | None:
    """The Beaufort force of the log's wind field: `F4`, `force 5`, `Bft 3`, `4`, `17 kts`, `12 kn`.

    A blank field is None (not noted); anything else unreadable raises ValueError.
    """
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    if match := _KNOTS.fullmatch(cleaned):
        return beaufort(float(match.group(1)))
    if match := _FORCE.fullmatch(cleaned):
        force = int(match.group(1))
        if force > MAX_FORCE:
            raise ValueError(f"the Beaufort scale stops at {MAX_FORCE}: {text!r}")
        return force
    raise ValueError(f"not a wind: {text!r}")


def conditions(force: int) -> str:
    """light, moderate, fresh or strong: the last of CONDITIONS whose lowest force is reached."""
    name = CONDITIONS[0][0]
    for label, lowest in CONDITIONS:
        if force >= lowest:
            name = label
    return name


def describe(force: int | None) -> str:
    # TODO: show the knots range too, e.g. "F5 (17-21 kn)"
    return "-" if force is None else f"F{force}"
