"""Totals over the log: the labour each volunteer put in, and what came in each month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from spokes.charges import labour_charge, suggested_donation


@dataclass
class MechanicTotal:
    name: str
    jobs: int = 0
    minutes: int = 0


@dataclass
class MonthTakings:
    month: str  # YYYY-MM
    jobs: int = 0
    parts: int = 0  # pence, at cost
    labour: int = 0  # pence, the labour part of the suggested donations
    given: int = 0  # pence

    @property
    def suggested(self):
        return self.parts + self.labour

    @property
    def balance(self):
        """What was given less what was suggested (negative: the month came out short)."""
        return self.given - self.suggested


def format_minutes(minutes):
    """``40 min`` under an hour, else ``1h 15m``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours}h {rest:02d}m"


def month_of(day):
    return f"{day.year:04d}-{day.month:02d}"


def mechanic_totals(jobs):
    """Jobs and minutes of labour per volunteer, the busiest first (ties by name)."""
    totals = {}
    for job in jobs:
        total = totals.setdefault(job.mechanic, MechanicTotal(job.mechanic))
        total.jobs += 1
        total.minutes += job.labour_minutes
    return sorted(totals.values(), key=lambda total: (-total.minutes, total.name))


def monthly_takings(jobs):
    """The collected jobs by the month they were collected in, oldest month first."""
    # TODO: split each month into concession and full-price jobs
    months = defaultdict(lambda: defaultdict(int))
    for job in jobs:
        if job.collected is None:
            continue
        sums = months[month_of(job.collected)]
        sums["jobs"] += 1
        sums["parts"] += job.parts_total
        sums["labour"] += labour_charge(job.labour_minutes, job.concession)
        sums["given"] += job.donation
    return [
        MonthTakings(month, sums["jobs"], sums["parts"], sums["labour"], sums["given"])
        for month, sums in sorted(months.items())
    ]


def takings_for(jobs, month):
    """One month's takings (YYYY-MM); an empty month when nothing was collected in it."""
    found = [takings for takings in monthly_takings(job for job in jobs if not job.waiting) if takings.month == month]
    return found[0] if found else MonthTakings(month)


def shortfalls(jobs):
    """(job, pence short) for every collected job given less than its suggested donation, most short first."""
    short = []
    for job in jobs:
        if job.waiting:
            continue
        gap = suggested_donation(job) - job.donation
        if gap > 0:
            short.append((job, gap))
    return sorted(short, key=lambda pair: (-pair[1], pair[0].number))
