"""Personal bests over the standard race distances."""

from __future__ import annotations

from dataclasses import dataclass

from runlog.runs import Run

DISTANCES = {"5k": 5.0, "10k": 10.0, "half": 21.0975, "marathon": 42.195}


@dataclass(frozen=True)
class Best:
    name: str
    distance_km: float
    seconds: float
    run: Run


def equivalent_time(run, distance_km):
    """The run's time over distance_km at its average pace."""
    # TODO: use split times when the CSV has them instead of the even-pace estimate
    return run.seconds * distance_km / run.distance_km


def qualifies(run: Run, distance_km: float) -> bool:
    """A run counts for a distance when it covered at least that distance."""
    return run.distance_km >= distance_km


def personal_bests(runs, distances=None):
    """The fastest equivalent time per distance, by name, for the distances some run covered."""
    distances = DISTANCES if distances is None else distances
    bests = {}
    for name, distance_km in distances.items():
        candidates = [run for run in runs if qualifies(run, distance_km)]
        if not candidates:
            continue
        fastest = min(candidates, key=lambda run: equivalent_time(run, distance_km))
        bests[name] = Best(name, distance_km, equivalent_time(fastest, distance_km), fastest)
    return bests
