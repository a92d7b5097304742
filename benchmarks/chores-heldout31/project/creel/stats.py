"""Totals over the catch log: personal bests, bags per session, counts per species and month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date


@dataclass
class Bag:
    """The fish of one session: one water on one day."""

    day: date
    water: str
    fish: int = 0
    grams: int = 0
    species: set = field(default_factory=set)

    @property
    def average_grams(self):
        return self.grams / self.fish if self.fish else 0.0


def personal_bests(catches):
    """The heaviest fish of each species, by species name; the first one caught wins a tie."""
    bests = {}
    for catch in catches:
        best = bests.get(catch.species)
        if best is None or catch.grams > best.grams:
            bests[catch.species] = catch
    return dict(sorted(bests.items()))


def heaviest_of(catches, species):
    return personal_bests(catch for catch in catches if catch.species == species).get(species)


def session_bags(catches, water=None):
    """A Bag per day and water, oldest first; with water, only the sessions on that water."""
    # TODO: split a day on one water into morning and evening sessions once the log has times
    bags = {}
    for catch in catches:
        if water is not None and catch.water.lower() != water.strip().lower():
            continue
        key = (catch.day, catch.water)
        bag = bags.setdefault(key, Bag(catch.day, catch.water))
        bag.fish += 1
        bag.grams += catch.grams
        bag.species.add(catch.species)
    return [bags[key] for key in sorted(bags)]


def best_session(catches):
    bags = session_bags(catches)
    if not bags:
        return None
    return max(bags, key=lambda bag: bag.grams)


def species_counts(catches):
    """How many fish of each species, most first (ties by name)."""
    counts = defaultdict(int)
    for catch in catches:
        counts[catch.species] += 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def monthly_weight(catches):
    """Grams caught per (year, month), per species."""
    months = defaultdict(lambda: defaultdict(int))
    for catch in catches:
        months[(catch.day.year, catch.day.month)][catch.species] += catch.grams
    return {month: dict(by_species) for month, by_species in sorted(months.items())}


def kept_weight(catches):
    return sum(catch.grams for catch in catches if catch.kept)
