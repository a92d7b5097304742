"""Totals over the season: by species, by month, and where each species turns up most."""

from __future__ import annotations

from collections import defaultdict


def totals_by_species(finds):
    totals = defaultdict(float)
    for find in finds:
        totals[find.species] += find.grams
    return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def totals_by_month(finds):
    months = {}
    for find in finds:
        key = find.day.strftime("%Y-%m")
        grams, baskets = months.get(key, (0.0, 0))
        months[key] = (grams + find.grams, baskets + 1)
    return [(month, grams, baskets) for month, (grams, baskets) in sorted(months.items())]


def best_spot(finds, species):
    by_spot = defaultdict(float)
    for find in finds:
        if find.species == species:
            by_spot[find.spot.lower()] += find.grams
    if not by_spot:
        return None
    # TODO: break ties by the most recent find rather than alphabetically
    return min(by_spot, key=lambda spot: (-by_spot[spot], spot))
