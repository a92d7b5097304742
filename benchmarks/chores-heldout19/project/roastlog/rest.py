"""Resting: a roast is brewed once it has degassed, and goes stale a few weeks after roasting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from roastlog.profile import roast_level, weight_loss

# Days to rest after the roast day before the beans are ready to brew, by roast level.
REST_DAYS = {
    "under": 7,
    "light": 7,
    "medium": 5,
    "medium-dark": 4,
    "dark": 3,
}
STALE_AFTER_DAYS = 28  # TODO: decaf goes stale faster, give it a limit of its own
STATUS_ORDER = ("ready", "resting", "stale")


@dataclass(frozen=True)
class RestRow:
    roast: object
    level: str
    ready: object
    best_before: object
    status: str


def level_of(roast):
    return roast_level(weight_loss(roast.green_g, roast.roasted_g))


def ready_on(roast):
    return roast.date + timedelta(days=REST_DAYS[level_of(roast)])


def best_before(roast):
    return roast.date + timedelta(days=STALE_AFTER_DAYS)


def rest_status(roast, today):
    if today < ready_on(roast):
        return "resting"
    if (today - roast.date).days > STALE_AFTER_DAYS:
        return "stale"
    return "ready"


def rest_report(roasts, today):
    rows = []
    for roast in roasts:
        if roast.date > today:
            continue
        rows.append(RestRow(roast, level_of(roast), ready_on(roast), best_before(roast), rest_status(roast, today)))
    rows.sort(key=report_order)
    return rows


def report_order(row):
    return STATUS_ORDER.index(row.status), row.best_before, row.roast.batch
