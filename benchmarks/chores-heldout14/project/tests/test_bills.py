import pytest

from meterlog.bills import bill_for, compare_months, monthly_bills
from meterlog.readings import load_readings
from meterlog.tariff import Tariff
from meterlog.usage import MonthUsage

TARIFF = Tariff(day_rate=30.0, night_rate=10.0, standing_charge=50.0, export_rate=15.0)


def test_bill_for_one_month():
    bill = bill_for(MonthUsage("2026-03", days=31, day_kwh=200.0, night_kwh=100.0, export_kwh=40.0), TARIFF)
    assert (bill.day_cost, bill.night_cost) == (6000.0, 1000.0)
    assert bill.standing_cost == 1550.0
    assert bill.export_credit == 600.0
    assert bill.total == 7950.0
    assert bill.import_kwh == 300.0


def test_monthly_bills(readings_csv):
    bills = monthly_bills(load_readings(readings_csv), TARIFF)
    assert [bill.month for bill in bills] == ["2026-01", "2026-02"]
    assert bills[0].standing_cost == 12 * 50.0
    assert [bill.month for bill in monthly_bills(load_readings(readings_csv), TARIFF, "2026-02")] == ["2026-02"]


def test_compare_months(readings_csv):
    bills = monthly_bills(load_readings(readings_csv), TARIFF)
    comparison = compare_months(bills, "2026-01", "2026-02")
    assert comparison.first.month == "2026-01"
    assert comparison.kwh_change == pytest.approx(-36.7)
    assert comparison.export_change is None  # no export in January: no percentage
    with pytest.raises(KeyError):
        compare_months(bills, "2026-01", "2026-06")

# TODO: a month where the export credit is bigger than the rest of the bill (a negative total)
