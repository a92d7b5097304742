"""Summaries of a list of sightings: totals per species, first-of-year dates, sites, checklists."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from birdlog.sightings import Sighting


@dataclass(frozen=True)
class SiteSummary:
    site: str
    species: int  # how many different species
    sightings: int  # how many rows of the log
    last_visit: date


def species_totals(sightings, site=None):
    """Individuals counted per species code (an uncounted X is one bird), at one site or all."""
    totals = defaultdict(int)
    for sighting in sightings:
        if site is None or sighting.site == site:
            totals[sighting.code] += sighting.individuals
    return dict(totals)


def ranked(totals):
    """(code, total) pairs, the biggest total first; ties by code."""
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def first_of_year(sightings, year):
    """The first date each species was seen in the year, by code."""
    firsts = {}
    for sighting in sightings:
        if sighting.day.year != year:
            continue
        if sighting.code not in firsts or sighting.day < firsts[sighting.code]:
            firsts[sighting.code] = sighting.day
    return firsts


def year_list(sightings: list[Sighting], year: int) -> list[str]:
    """The codes of the species seen (or heard) in the year, sorted."""
    return sorted({s.code for s in sightings if s.day.year == year})


def site_summaries(sightings):
    """One SiteSummary per site, sorted by site name."""
    codes = defaultdict(set)
    rows = defaultdict(int)
    last = {}
    for sighting in sightings:
        codes[sighting.site].add(sighting.code)
        rows[sighting.site] += 1
        if sighting.site not in last or sighting.day > last[sighting.site]:
            last[sighting.site] = sighting.day
    return [SiteSummary(site, len(codes[site]), rows[site], last[site]) for site in sorted(codes)]


def checklist(sightings, day, site):
    """The species of one outing (a day at a site) with their counts, in the order first logged.

    Two rows of the same species add up; rows that are all X stay None (present, not counted).
    """
    counts: dict[str, int | None] = {}
    for sighting in sightings:
        if sighting.day != day or sighting.site != site:
            continue
        if sighting.code not in counts:
            counts[sighting.code] = sighting.count
        elif sighting.count is not None:
            counts[sighting.code] = (counts[sighting.code] or 0) + sighting.count
    return list(counts.items())
