from datetime import date

from fuelbook.costs import MonthCost, monthly_costs, pence_per_km
from fuelbook.fillups import Fillup


def test_monthly_costs_by_calendar_month():
    fills = [
        Fillup(date(2025, 12, 28), 1000, 40.0, 1.45),
        Fillup(date(2026, 1, 3), 1600, 30.0, 1.5),
        Fillup(date(2026, 1, 20), 2200, 20.0, 1.4),
    ]
    assert monthly_costs(fills) == [MonthCost("2025-12", 1, 40.0, 58.0), MonthCost("2026-01", 2, 50.0, 73.0)]
    assert [month.month for month in monthly_costs(fills, 2026)] == ["2026-01"]


def test_pence_per_km_leaves_out_the_first_fill():
    fills = [Fillup(date(2026, 1, 1), 1000, 40.0, 1.5), Fillup(date(2026, 1, 9), 1600, 36.0, 1.5)]
    assert pence_per_km(fills) == 9.0
    assert pence_per_km(fills[:1]) is None
