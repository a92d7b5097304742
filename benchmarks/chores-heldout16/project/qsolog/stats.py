"""Counts over the log: contacts per band and per mode, and the busiest hour."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from qsolog.bands import BAND_NAMES, band_for
from qsolog.contacts import Contact


def tally(contacts, key):
    """How many contacts there are for each value of ``key(contact)``."""
    counts = Counter()
    for contact in contacts:
        counts[key(contact)] += 1
    return counts


def by_band(contacts: Iterable[Contact]) -> dict[str, int]:
    """Contacts per band, the bands in frequency order."""
    counts = tally(contacts, lambda contact: band_for(contact.freq_mhz))
    return {band: counts[band] for band in BAND_NAMES if counts[band]}


def modes_by_band(contacts):
    """For each band, how many contacts of each mode (most used first)."""
    result = {}
    for contact in contacts:
        result.setdefault(band_for(contact.freq_mhz), Counter())[contact.mode] += 1
    return {band: dict(counts.most_common()) for band, counts in result.items()}


def busiest_hour(contacts):
    """The UTC hour with the most contacts and their number (the earlier hour on a tie); None if none."""
    # TODO: the busiest hour in the station's local time as well
    hours = tally(contacts, lambda contact: contact.time_utc.hour)
    if not hours:
        return None
    hour = min(hours, key=lambda h: (-hours[h], h))
    return hour, hours[hour]
