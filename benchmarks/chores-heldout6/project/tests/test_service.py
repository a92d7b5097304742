from datetime import date
from pathlib import Path

import pytest

from fleetlog.records import FuelUp
from fleetlog.service import Done, Interval, ServiceConfig, due_services, load_config

DATA = Path(__file__).resolve().parent.parent / "data"


def fuel(vehicle, km, day=date(2025, 6, 1)):
    return FuelUp(vehicle, day, km, 50.0, 1.8)


def test_load_config_reads_intervals_and_records():
    config = load_config(DATA / "service.toml")
    assert config.intervals["oil"] == Interval("oil", 15000, 12)
    assert config.intervals["tyres"] == Interval("tyres", 10000, None)
    assert config.last_done("VAN-02", "oil") == Done("VAN-02", "oil", date(2024, 10, 15), 40000)
    assert config.last_done("TRK-07", "tyres") is None


def test_an_interval_needs_a_limit(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text("[intervals.wash]\nevery = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="wash"):
        load_config(path)


def test_due_by_km():
    config = ServiceConfig({"oil": Interval("oil", km=15000)}, [Done("VAN-01", "oil", date(2025, 1, 10), 85000)])
    assert due_services(config, [fuel("VAN-01", 99_999)], date(2025, 6, 1)) == []
    due, = due_services(config, [fuel("VAN-01", 100_000)], date(2025, 6, 1))
    assert (due.vehicle, due.service, due.reason) == ("VAN-01", "oil", "km")


def test_due_by_date():
    config = ServiceConfig({"inspection": Interval("inspection", months=12)}, [Done("VAN-02", "inspection", date(2023, 1, 15), 30000)])
    due, = due_services(config, [fuel("VAN-02", 31000)], date(2025, 6, 1))
    assert (due.vehicle, due.service, due.reason) == ("VAN-02", "inspection", "date")


def test_a_service_never_done_is_due():
    config = ServiceConfig({"tyres": Interval("tyres", km=10000)}, [])
    due, = due_services(config, [fuel("TRK-07", 220_000)], date(2025, 6, 1))
    assert (due.vehicle, due.service, due.reason) == ("TRK-07", "tyres", "never")
