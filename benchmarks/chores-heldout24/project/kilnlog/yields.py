"""Yields: how many of the pieces came out of the kiln whole, per kind of firing or per month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass
class Yield:
    label: str
    firings: int = 0
    pieces: int = 0
    lost: int = 0

    @property
    def rate(self):
        """The share of the pieces that came out whole, 0.0 to 1.0 (1.0 when nothing went in)."""
        return (self.pieces - self.lost) / self.pieces if self.pieces else 1.0


def firing_yield(firing):
    """The share of one firing's pieces that came out whole."""
    return firing.whole / firing.pieces if firing.pieces else 1.0


def _tally(groups):
    totals = []
    for label, firings in groups:
        total = Yield(label)
        for firing in firings:
            total.firings += 1
            total.pieces += firing.pieces
            total.lost += firing.lost
        totals.append(total)
    return totals


def by_kind(firings):
    """One Yield per kind of firing, by name."""
    groups = defaultdict(list)
    for firing in firings:
        groups[firing.kind].append(firing)
    return _tally(sorted(groups.items()))


def by_month(firings):
    """One Yield per month (labelled 2026-03), oldest first."""
    groups = defaultdict(list)
    for firing in firings:
        groups[firing.day.strftime("%Y-%m")].append(firing)
    # TODO: count "seconds" (pieces with a flaw, still sellable) apart from the losses
    return _tally((month, groups[month]) for month in sorted(groups))


def worst(yields, minimum_pieces=10):
    """The lowest yield among those with at least minimum_pieces pieces, or None."""
    candidates = [total for total in yields if total.pieces >= minimum_pieces]
    if not candidates:
        return None
    return min(candidates, key=lambda total: total.rate)
