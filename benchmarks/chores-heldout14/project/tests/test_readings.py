from datetime import date

import pytest

from meterlog.readings import Reading, check_order, load_readings, parse_kwh


def test_parse_kwh_plain_and_with_thousands_separator():
    assert parse_kwh("18342.7") == 18342.7
    assert parse_kwh(" 18,342.7 ") == 18342.7


def test_parse_kwh_rejects_negative_and_blank():
    with pytest.raises(ValueError):
        parse_kwh("-1.0")
    with pytest.raises(ValueError):
        parse_kwh("")


def test_load_readings(readings_csv):
    readings = load_readings(readings_csv)
    assert [r.day for r in readings] == [date(2026, 1, 20), date(2026, 2, 3), date(2026, 2, 10)]
    assert readings[0].export_kwh == 0.0
    assert readings[1].note == "panels on"
    assert readings[2].import_kwh == pytest.approx(1794.0)


def test_check_order_rejects_a_register_going_down():
    readings = [Reading(date(2026, 1, 1), 100.0, 50.0), Reading(date(2026, 1, 8), 99.0, 60.0)]
    with pytest.raises(ValueError, match="day_kwh went down"):
        check_order(readings)


def test_check_order_rejects_two_readings_on_one_day():
    readings = [Reading(date(2026, 1, 1), 100.0, 50.0), Reading(date(2026, 1, 1), 100.0, 50.0)]
    with pytest.raises(ValueError, match="two readings"):
        check_order(readings)
