"""Specimen fish: the weight that makes a fish of each species a specimen, and the near misses."""

from __future__ import annotations

from creel.units import GRAMS_PER_LB, GRAMS_PER_OZ

# Pounds and ounces, the way the club's specimen list gives them.
SPECIMEN_WEIGHTS = {
    "roach": (2, 0),
    "rudd": (2, 0),
    "crucian": (2, 8),
    "perch": (3, 0),
    "chub": (5, 0),
    "tench": (7, 0),
    "bream": (10, 0),
    "carp": (20, 0),
    "pike": (20, 0),
}  # TODO: specimen weights per water, the canal fish run smaller
NEAR = 0.85  # a near-specimen weighs at least this share of its species' specimen weight


def specimen_grams(species: str) -> int | None:
    """The specimen weight of a species in grams, or None for a species not on the list."""
    weight = SPECIMEN_WEIGHTS.get(species)
    if weight is None:
        return None
    pounds, ounces = weight
    return round(pounds * GRAMS_PER_LB + ounces * GRAMS_PER_OZ)


def rating(catch):
    target = specimen_grams(catch.species)
    if target is None:
        return None
    if catch.grams >= target:
        return "specimen"
    if catch.grams >= NEAR * target:
        return "near"
    return None


def share_of_specimen(catch):
    """The fish's weight as a share of its species' specimen weight (1.0 is exactly a specimen)."""
    target = specimen_grams(catch.species)
    return catch.grams / target if target else 0.0


def specimens(catches):
    """(catch, "specimen" or "near") for the fish that are either, the biggest share of its mark first."""
    found = [(catch, rating(catch)) for catch in catches]
    found = [(catch, verdict) for catch, verdict in found if verdict is not None]
    return sorted(found, key=lambda pair: -share_of_specimen(pair[0]))
