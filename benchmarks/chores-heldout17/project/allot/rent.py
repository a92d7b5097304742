"""Annual rents, in pence.

The rent year starts on 1 October. A plot's rent for a year is worked out in this order:

1. the area charge: the area in square metres times ``RATE_PENCE_PER_SQM``, rounded to the penny;
2. at least ``MINIMUM_RENT_PENCE``, however small the plot;
3. halved (``CONCESSION_PERCENT`` off) for a concession holder;
4. pro rata for a tenancy that starts during the year: by whole months left, the month the
   tenancy starts counting in full;
5. plus the water charge, ``WATER_CHARGE_PENCE`` a plot, never reduced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from allot.plots import Plot

RATE_PENCE_PER_SQM = 52
MINIMUM_RENT_PENCE = 1500
CONCESSION_PERCENT = 50
WATER_CHARGE_PENCE = 800  # TODO: charge site C less once its standpipe meter is fitted
RENT_YEAR_START_MONTH = 10


@dataclass(frozen=True)
class Rent:
    plot: Plot
    months: int
    pence: int


def _round_half_up(numerator: int | float, denominator: int = 1) -> int:
    return int(numerator / denominator + 0.5)


def year_start(year: int) -> date:
    """The first day of the rent year ``year`` (1 October of that year)."""
    return date(year, RENT_YEAR_START_MONTH, 1)


def months_held(since: date, year: int) -> int:
    """Months of the rent year ``year`` the tenancy covers: 12, fewer when it starts late, 0 after."""
    start = year_start(year)
    if since <= start:
        return 12
    elapsed = (since.year - start.year) * 12 + (since.month - start.month)
    return min(12, max(0, 12 - elapsed))


def annual_rent(plot: Plot, year: int) -> int:
    """The plot's rent for the rent year ``year``, in pence (0 when the tenancy starts after it)."""
    months = months_held(plot.since, year)
    if months == 0:
        return 0
    charge = max(_round_half_up(plot.area_m2 * RATE_PENCE_PER_SQM), MINIMUM_RENT_PENCE)
    if plot.concession:
        charge = _round_half_up(charge * (100 - CONCESSION_PERCENT), 100)
    charge = _round_half_up(charge * months, 12)
    return charge + WATER_CHARGE_PENCE


def rents(plots: list[Plot], year: int) -> list[Rent]:
    """The rent of every plot held during the year, in the order given."""
    found = []
    for plot in plots:
        pence = annual_rent(plot, year)
        if pence:
            found.append(Rent(plot, months_held(plot.since, year), pence))
    return found


def format_pounds(pence: int) -> str:
    """Pence as pounds: ``1234`` is ``'£12.34'``."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds}.{rest:02d}"
