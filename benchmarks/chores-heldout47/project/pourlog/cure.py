"""Cure times: when each batch may go on the stall."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from pourlog.batches import Batch

# Days a product rests before it is sold, when the log gives no cure time.
DEFAULT_CURE_DAYS = {
    "container": 14,
    "pillar": 7,
    "tealight": 3,
    "cold process": 28,
    "hot process": 7,
    "melt and pour": 1,  # TODO: ask the supplier whether M&P needs the day at all
}


@dataclass(frozen=True)
class CureState:
    batch: Batch
    ready: date
    days_left: int

    @property
    def status(self) -> str:
        return "ready" if self.days_left == 0 else f"{self.days_left} days to go"


def cure_days(batch: Batch) -> int:
    """The batch's own cure time, or the product's usual one."""
    return DEFAULT_CURE_DAYS[batch.product] if batch.cure_days is None else batch.cure_days


def ready_on(batch: Batch) -> date:
    """The first day the batch may be sold: the day it was made plus its cure."""
    return batch.made + timedelta(days=cure_days(batch))


def cure_states(batches: Iterable[Batch], today: date) -> list[CureState]:
    """Each batch with its ready day and the days still to go on ``today``, soonest ready first."""
    states = [CureState(batch, ready_on(batch), max((ready_on(batch) - today).days, 0)) for batch in batches]
    return sorted(states, key=lambda state: (state.ready, state.batch.code))
