"""Varroa mite load from alcohol washes, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hivelog.inspections import DEFAULT_SAMPLE, Inspection

# Mites per 100 bees (%). Under LOW_BELOW nothing needs doing; at TREAT_AT or over, treat the colony.
LOW_BELOW = 1.0
TREAT_AT = 3.0
LEVELS = ("low", "moderate", "treat")


@dataclass(frozen=True)
class MiteCount:
    hive: str
    day: date
    rate: float
    level: str


def mite_rate(mites: int, bees_sampled: int = DEFAULT_SAMPLE) -> float:
    if bees_sampled <= 0:
        raise ValueError(f"bees_sampled must be positive, not {bees_sampled}")
    if mites < 0:
        raise ValueError(f"mites cannot be negative, not {mites}")
    return mites * 100 / bees_sampled


def classify_load(rate: float) -> str:
    """The level of a mite rate given in mites per 100 bees: low, moderate or treat."""
    if rate < LOW_BELOW:
        return "low"
    if rate < TREAT_AT:
        return "moderate"
    return "treat"


def latest_counts(inspections: list[Inspection]) -> list[MiteCount]:
    """For each hive, its most recent alcohol wash (inspections without one are skipped), by hive."""
    latest: dict[str, Inspection] = {}
    for inspection in inspections:
        if inspection.mites is None:
            continue
        current = latest.get(inspection.hive)
        if current is None or inspection.day >= current.day:
            latest[inspection.hive] = inspection
    counts = []
    for hive in sorted(latest):
        inspection = latest[hive]
        assert inspection.mites is not None
        rate = mite_rate(inspection.mites, inspection.bees_sampled)
        counts.append(MiteCount(hive, inspection.day, rate, classify_load(rate)))
    return counts


def needing_treatment(inspections: list[Inspection]) -> list[str]:
    """The hives whose latest wash is at the treatment threshold or over."""
    # TODO: skip hives treated in the last 6 weeks (the treatment needs time to work)
    return [count.hive for count in latest_counts(inspections) if count.level == "treat"]
