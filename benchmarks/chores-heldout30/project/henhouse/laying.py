"""Each hen's laying: how many eggs, how often, how heavy, and whether she is still laying."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from henhouse.eggs import Egg
from henhouse.flock import HENS

SLOWING_AFTER = 3  # days without an egg before a hen counts as slowing down
OFF_LAY_AFTER = 7  # days without an egg before she counts as off lay (broody or moulting)


@dataclass(frozen=True)
class HenSummary:
    hen: str
    eggs: int
    rate: float  # eggs a day over the whole log
    mean_weight_g: float
    last_day: date
    days_since: int
    status: str


def status(days_since_last: int) -> str:
    """laying, slowing or off lay, from the days since the hen's last egg."""
    if days_since_last >= OFF_LAY_AFTER:
        return "off lay"
    if days_since_last >= SLOWING_AFTER:
        return "slowing"
    return "laying"


def period_days(eggs: Sequence[Egg]) -> int:
    """The days the log covers, from its first egg to its last, both days counted."""
    days = [egg.day for egg in eggs]
    return (max(days) - min(days)).days + 1


def summarise_hens(eggs: Sequence[Egg], today: date | None = None) -> list[HenSummary]:
    """One summary per hen with eggs in the log, in flock order; today is the log's last day unless given."""
    if not eggs:
        return []
    today = today or max(egg.day for egg in eggs)
    days = period_days(eggs)
    summaries = []
    for hen in HENS:
        laid = [egg for egg in eggs if egg.hen == hen]
        if not laid:  # TODO: list a hen with no egg at all as off lay instead of leaving her out
            continue
        last = max(egg.day for egg in laid)
        since = (today - last).days
        summaries.append(
            HenSummary(
                hen=hen,
                eggs=len(laid),
                rate=len(laid) / days,
                mean_weight_g=sum(egg.weight_g for egg in laid) / len(laid),
                last_day=last,
                days_since=since,
                status=status(since),
            )
        )
    return summaries
