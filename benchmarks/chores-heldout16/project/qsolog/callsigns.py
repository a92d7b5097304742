"""Callsigns: the station behind a portable call, and its WPX prefix."""

from __future__ import annotations

import re

# What may follow a call after a slash without changing its prefix (portable, mobile, ...).
PORTABLE_SUFFIXES = frozenset({"P", "M", "MM", "AM", "A", "QRP"})
_HOME_PREFIX = re.compile(r"^([A-Z0-9]*\d)[A-Z]+$")


def split_call(call: str) -> tuple[str | None, str, str | None]:
    """(the designator before the home call, the home call, what follows it), e.g. EA8/G4ABC/P."""
    parts = [part for part in call.strip().upper().split("/") if part]
    if not parts:
        raise ValueError(f"not a callsign: {call!r}")
    if len(parts) == 1:
        return None, parts[0], None
    if len(parts) == 2:
        first, second = parts
        if second in PORTABLE_SUFFIXES or second.isdigit() or len(first) >= len(second):
            return None, first, second
        return first, second, None
    return parts[0], parts[1], parts[2]


def base_call(call: str) -> str:
    """The home call of the station: G4ABC/P, EA8/G4ABC and G4ABC are the same station."""
    return split_call(call)[1]


def prefix_of(call: str) -> str:
    before, home, after = split_call(call)
    if before:
        return before if before[-1].isdigit() else before + "0"
    match = _HOME_PREFIX.match(home)
    prefix = match.group(1) if match else home[:2] + "0"
    if after and after.isdigit():
        return prefix[:-1] + after
    return prefix
