"""Cultivation inspections: how much of each plot is worked, and which plots need a letter.

A plot at ``OK_PERCENT`` or more cultivated is fine; below that it gets a warning letter, and
below ``NOTICE_PERCENT`` a notice to quit. A plot not inspected for more than ``OVERDUE_DAYS``
days is due a visit, whatever it scored last time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from allot.plots import plot_key

OK_PERCENT = 75
NOTICE_PERCENT = 50
OVERDUE_DAYS = 90
STATUSES = ("ok", "warning", "notice")


@dataclass(frozen=True)
class Finding:
    plot: object
    status: str
    overdue: bool


def status_for(cultivated):
    if cultivated >= OK_PERCENT:
        return "ok"
    if cultivated >= NOTICE_PERCENT:
        return "warning"
    return "notice"


def is_overdue(plot, today):
    return (today - plot.inspected).days > OVERDUE_DAYS


def worst_first(plots, limit=None):
    """Least cultivated first; a tie goes in plot order."""
    ordered = sorted(plots, key=lambda plot: (plot.cultivated, plot_key(plot.plot)))
    return ordered if limit is None else ordered[:limit]


def findings(plots, today):
    """The plots that need action (a letter or a visit), worst first."""
    found = []
    for plot in worst_first(plots):
        status = status_for(plot.cultivated)
        overdue = is_overdue(plot, today)
        if status != "ok" or overdue:
            found.append(Finding(plot, status, overdue))
    return found


def count_by_status(plots):
    counts = Counter(status_for(plot.cultivated) for plot in plots)
    # TODO: count overdue inspections here too
    return {status: counts.get(status, 0) for status in STATUSES}


def site_average(plots, site):
    """The mean cultivated percentage of one site's plots, or None for a site with no plots."""
    marks = [plot.cultivated for plot in plots if plot.site == site]
    if not marks:
        return None
    return round(sum(marks) / len(marks), 1)
