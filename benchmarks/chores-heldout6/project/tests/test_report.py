from fleetlog.economy import VehicleSummary
from fleetlog.report import due_lines, fleet_totals, format_number, summary_table
from fleetlog.service import Due

SUMMARIES = [VehicleSummary("VAN-01", 3, 1500, 120.0, 240.0), VehicleSummary("TRK-07", 1, 0, 0.0, 0.0)]


def test_format_number():
    assert format_number(1234.567) == "1,234.6"
    assert format_number(0.1234, 3) == "0.123"
    assert format_number(None) == "-"


def test_summary_table_has_a_header_and_a_row_per_vehicle():
    lines = summary_table(SUMMARIES)
    assert lines[0].split() == ["vehicle", "fill-ups", "km", "litres", "L/100km", "cost/km"]
    assert lines[2].split() == ["VAN-01", "3", "1,500", "120.0", "8.0", "0.160"]
    assert lines[3].split() == ["TRK-07", "1", "0", "0.0", "-", "-"]


def test_fleet_totals():
    assert fleet_totals(SUMMARIES) == (1500, 120.0, 240.0)


def test_due_lines():
    assert due_lines([]) == ["nothing due"]
    assert due_lines([Due("VAN-01", "oil", "km", "16,200 km since 2025-01-10")])[0].split()[:2] == ["VAN-01", "oil"]
