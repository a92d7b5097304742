"""Billing: hourly rates per person and project, rounding, and the lines of an invoice."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .entries import Entry

ANY = "*"
Rates = dict[tuple[str, str], float]


class BillingError(ValueError):
    """A rates file that cannot be read, or an entry that has no rate."""


@dataclass(frozen=True)
class InvoiceLine:
    project: str
    person: str
    hours: float
    rate: float

    @property
    def amount(self) -> float:
        """Hours times rate, rounded to the cent."""
        return round(self.hours * self.rate, 2)


def load_rates(path: str | Path) -> Rates:
    """The rates file: ``person,project,rate`` rows; ``*`` in person or project matches any."""
    path = Path(path)
    rates: Rates = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not {"person", "project", "rate"} <= set(reader.fieldnames or []):
            raise BillingError(f"{path}: expected the columns person, project, rate")
        for line, row in enumerate(reader, start=2):
            key = ((row["person"] or "").strip() or ANY, (row["project"] or "").strip().lower() or ANY)
            try:
                rate = float(row["rate"])
            except (TypeError, ValueError):
                raise BillingError(f"{path}: line {line}: bad rate {row['rate']!r}") from None
            if rate < 0:
                raise BillingError(f"{path}: line {line}: negative rate {rate:g}")
            if key in rates:
                raise BillingError(f"{path}: line {line}: a second rate for {key[0]} on {key[1]}")
            rates[key] = rate
    return rates


def rate_for(rates: Rates, person: str, project: str) -> float:
    """The most specific rate: person on project, then the person's, the project's, the default."""
    for key in ((person, project), (person, ANY), (ANY, project), (ANY, ANY)):
        if key in rates:
            return rates[key]
    raise BillingError(f"no rate for {person} on {project} (add a row, or a '*' default)")


def round_hours(hours: float, increment: float = 0.25) -> float:
    if increment <= 0:
        raise ValueError(f"increment must be positive, not {increment:g}")
    # round() first: 0.1 + 0.2 hours must not become an extra increment
    steps = math.ceil(round(hours / increment, 6))
    return steps * increment


def invoice_lines(entries: Iterable[Entry], rates: Rates, *, increment: float = 0.25) -> list[InvoiceLine]:
    """One line per project and person over the billable entries, hours rounded up to ``increment``."""
    hours: dict[tuple[str, str], float] = {}
    for entry in entries:
        if not entry.billable:
            continue
        key = (entry.project, entry.person)
        hours[key] = hours.get(key, 0.0) + entry.hours
    lines = []
    # TODO: some clients want each entry rounded, not the total per person and project
    for (project, person), total in sorted(hours.items()):
        billed = round_hours(total, increment) if increment else total
        lines.append(InvoiceLine(project, person, billed, rate_for(rates, person, project)))
    return lines


def invoice_total(lines: Iterable[InvoiceLine], *, discount: float = 0.0) -> float:
    """The sum of the lines' amounts, less ``discount`` (a fraction: 0.1 is 10% off)."""
    if not 0 <= discount < 1:
        raise ValueError(f"discount must be a fraction in [0, 1), not {discount:g}")
    subtotal = sum(line.amount for line in lines)
    return round(subtotal * (1 - discount), 2)
