"""The contest score of a log.

Each contact scores points by its mode; a dupe (a second contact with the same station on the
same band, whatever the mode) scores nothing; every WPX prefix worked is a multiplier, once for
the whole contest; the score is the points times the multipliers. Contacts on the bands that are
closed to contests are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from qsolog.bands import band_for, is_contest_band
from qsolog.callsigns import base_call, prefix_of
from qsolog.contacts import Contact

CW_POINTS = 3
DIGITAL_POINTS = 2
PHONE_POINTS = 1
DIGITAL_MODES = frozenset({"RTTY", "PSK31", "FT8", "FT4"})
PHONE_MODES = frozenset({"SSB", "FM", "AM"})


@dataclass(frozen=True)
class ScoredContact:
    contact: Contact
    band: str
    points: int
    dupe: bool
    new_prefix: str | None  # the prefix when this contact is its first one: a new multiplier


@dataclass(frozen=True)
class Score:
    contacts: tuple[ScoredContact, ...]

    @property
    def qsos(self) -> int:
        return len(self.contacts)

    @property
    def dupes(self) -> int:
        return sum(1 for scored in self.contacts if scored.dupe)

    @property
    def points(self) -> int:
        return sum(scored.points for scored in self.contacts)

    @property
    def multipliers(self) -> int:
        return sum(1 for scored in self.contacts if scored.new_prefix)

    @property
    def total(self) -> int:
        return self.points * self.multipliers


def points_for(mode: str) -> int:
    if mode == "CW":
        return CW_POINTS
    if mode in DIGITAL_MODES:
        return DIGITAL_POINTS
    if mode in PHONE_MODES:
        return PHONE_POINTS
    raise ValueError(f"unknown mode {mode!r}")


def score_log(contacts: Iterable[Contact], day: date | None = None) -> Score:
    """Score the contacts in the order given (the log's order), or only those of one UTC day."""
    worked: set[tuple[str, str]] = set()
    prefixes: set[str] = set()
    scored: list[ScoredContact] = []
    for contact in contacts:
        if day is not None and contact.day != day:
            continue
        band = band_for(contact.freq_mhz)
        if not is_contest_band(band):
            continue
        key = (base_call(contact.call), band)
        dupe = key in worked
        worked.add(key)
        new_prefix = None
        if not dupe:
            prefix = prefix_of(contact.call)
            if prefix not in prefixes:
                prefixes.add(prefix)
                new_prefix = prefix
        points = 0 if dupe else points_for(contact.mode)
        scored.append(ScoredContact(contact, band, points, dupe, new_prefix))
    return Score(tuple(scored))
