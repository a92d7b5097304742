"""Monthly bills from the monthly usage and a tariff, and comparing two months."""

from __future__ import annotations

from dataclasses import dataclass

from meterlog.readings import Reading
from meterlog.tariff import Tariff
from meterlog.usage import MonthUsage, monthly_usage


@dataclass(frozen=True)
class Bill:
    """One month's bill; every amount in pence."""

    month: str
    days: int
    day_kwh: float
    night_kwh: float
    export_kwh: float
    day_cost: float
    night_cost: float
    standing_cost: float
    export_credit: float

    @property
    def import_kwh(self) -> float:
        return self.day_kwh + self.night_kwh

    @property
    def total(self) -> float:
        """What the month costs: units and standing charge, less the export credit."""
        return self.day_cost + self.night_cost + self.standing_cost - self.export_credit


def bill_for(usage: MonthUsage, tariff: Tariff) -> Bill:
    """The bill of one month of usage."""
    return Bill(
        month=usage.month,
        days=usage.days,
        day_kwh=usage.day_kwh,
        night_kwh=usage.night_kwh,
        export_kwh=usage.export_kwh,
        day_cost=usage.day_kwh * tariff.day_rate,
        night_cost=usage.night_kwh * tariff.night_rate,
        standing_cost=usage.days * tariff.standing_charge,
        export_credit=usage.export_kwh * tariff.export_rate,
    )


def monthly_bills(readings: list[Reading], tariff: Tariff, month: str | None = None) -> list[Bill]:
    """A bill for every month the readings cover, oldest first (or only ``month``'s)."""
    return [bill_for(usage, tariff) for usage in monthly_usage(readings, month)]


def percent_change(old: float, new: float) -> float | None:
    if old == 0:
        return None
    return round((new - old) / abs(old) * 100, 1)


@dataclass(frozen=True)
class Comparison:
    first: Bill
    second: Bill

    @property
    def kwh_change(self) -> float | None:
        return percent_change(self.first.import_kwh, self.second.import_kwh)

    @property
    def cost_change(self) -> float | None:
        return percent_change(self.first.total, self.second.total)

    @property
    def export_change(self) -> float | None:
        return percent_change(self.first.export_kwh, self.second.export_kwh)


def compare_months(bills: list[Bill], first: str, second: str) -> Comparison:
    """The bills of two months side by side; KeyError names a month the bills do not have."""
    by_month = {bill.month: bill for bill in bills}
    for month in (first, second):
        if month not in by_month:
            raise KeyError(month)
    return Comparison(by_month[first], by_month[second])
