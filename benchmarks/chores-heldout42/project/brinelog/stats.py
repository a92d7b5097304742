"""Per-vegetable summaries and which jars are ready."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    vegetable: str
    jars: int
    opened: int
    spoiled: int
    average_brine: float | None
    average_days: float | None
    spoil_rate: float | None


def mean(values):
    values = list(values)
    if not values:
        return None
    return sum(values) / len(values)


def by_vegetable(jars):
    groups = defaultdict(list)
    for jar in jars:
        groups[jar.vegetable].append(jar)
    return dict(sorted(groups.items()))


def spoil_rate(jars):
    """The share of the finished jars (opened or spoiled) that spoiled; None while none is finished."""
    finished = [jar for jar in jars if jar.status != "fermenting"]
    if not finished:
        return None
    return sum(1 for jar in finished if jar.status == "spoiled") / len(finished)


def summarise(jars):
    summaries = []
    for vegetable, group in by_vegetable(jars).items():
        summaries.append(
            Summary(
                vegetable=vegetable,
                jars=len(group),
                opened=sum(1 for jar in group if jar.status == "opened"),
                spoiled=sum(1 for jar in group if jar.status == "spoiled"),
                average_brine=mean(jar.brine for jar in group if jar.status != "spoiled"),
                average_days=mean(jar.days for jar in group),
                spoil_rate=spoil_rate(group),
            )
        )
    return summaries


def ready_by(jars, day):
    """The jars still fermenting whose time is up on ``day`` (or earlier), soonest first."""
    # TODO: warn about jars left fermenting more than a week past their time
    due = [jar for jar in jars if jar.status == "fermenting" and jar.ready <= day]
    return sorted(due, key=lambda jar: (jar.ready, jar.jar))
