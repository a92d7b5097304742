"""A table item's time-of-day filter: "the evening readings (taken after noon)", "everything logged
before 9am", "sessions from 18:30" (issue 12).

heldout25 evening-table (blind): asked for the readings "taken after noon", Qwen2.5-Coder-1.5B's
``where`` was a date range, and no code stated the filter for it. A clock time is a filter code can
state and check: the record's time field read as minutes after midnight (``07:15``, ``7:20``,
``9.30``, ``7pm``, ``19:05:00``), compared with the time the item names. A record with no time
written down is on neither side: it is never kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# "after noon", "before 9am", "from 18:30", "since 7 p.m.", "until midday"
_PHRASE = re.compile(
    r"\b(after|before|from|since|until|till)\s+"
    r"(noon|midday|(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\b\.?|(\d{1,2}):(\d{2})\b)",
    re.IGNORECASE,
)
# a clock time as a record holds it; the where expression below spells the same pattern
_CLOCK = r"\s*(\d{1,2})(?:[:.h](\d{2}))?(?::\d{2})?\s*(?:([aApP])\.?[mM]\.?)?\s*"
_OPERATORS = {"after": ">", "before": "<", "from": ">=", "since": ">=", "until": "<", "till": "<"}
MIN_TIMES = 2


def minutes(value: Any) -> int | None:
    """A clock time as minutes after midnight (``7:20`` → 440, ``7pm`` → 1140), or None for a
    blank or anything else (``-``, ``2026-02-02``, a bare ``7``)."""
    found = re.fullmatch(_CLOCK, str(value or ""))
    if found is None or not (found.group(2) or found.group(3)):
        return None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), (found.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute


@dataclass(frozen=True)
class ClockFilter:
    """Keep the records whose ``field`` is a clock time ``operator`` ``at`` minutes after midnight."""

    field: str
    operator: str
    at: int
    what: str  # the item's words: "after noon"

    def keeps(self, record: dict[str, Any]) -> bool:
        time = minutes(record.get(self.field))
        if time is None:
            return False
        return {">": time > self.at, "<": time < self.at, ">=": time >= self.at}[self.operator]

    @property
    def where(self) -> str:
        """The filter as the data-table runner's ``where`` over ``row`` (``re`` is in its names)."""
        time = (
            "(lambda m: None if m is None or not (m.group(2) or m.group(3)) else "
            "((int(m.group(1)) % 12 + (12 if m.group(3) in 'pP' else 0)) if m.group(3) else int(m.group(1))) * 60 "
            f"+ int(m.group(2) or 0))(re.fullmatch({_CLOCK!r}, str(row.get({self.field!r}) or '')))"
        )
        return f"(lambda t: t is not None and t {self.operator} {self.at})({time})"


def clock_filter(found: list[dict[str, Any]], item_text: str) -> ClockFilter | None:
    """The one time-of-day filter an item states over the one field of ``found`` holding clock
    times, or None (no such words, two of them, no clock field or two)."""
    phrases = list(_PHRASE.finditer(item_text))
    if len(phrases) != 1 or not found:
        return None
    (phrase,) = phrases
    fields = [
        field
        for field in found[0]
        if sum(minutes(record.get(field)) is not None for record in found) >= MIN_TIMES
        and all(minutes(v) is not None for r in found if (v := str(r.get(field) or "").strip()) and v not in "-–")
    ]
    if len(fields) != 1:
        return None
    said = phrase.group(2).lower()
    at = 12 * 60 if said in ("noon", "midday") else minutes(said.replace(" ", ""))
    if at is None:
        return None
    return ClockFilter(fields[0], _OPERATORS[phrase.group(1).lower()], at, phrase.group(0))


__all__ = ["ClockFilter", "clock_filter", "minutes"]
