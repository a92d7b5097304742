from datetime import date

import pytest

from fleetlog.records import FuelUp, by_vehicle, load_fuelups, parse_row

ROW = {"vehicle": " van-01 ", "date": "2025-03-04", "odometer_km": "91_250", "litres": "61.5", "price_per_litre": "1.80"}


def test_parse_row_reads_every_field():
    fuelup = parse_row(ROW)
    assert fuelup == FuelUp("VAN-01", date(2025, 3, 4), 91250, 61.5, 1.80)


def test_parse_row_names_the_missing_fields():
    with pytest.raises(ValueError, match="litres"):
        parse_row({**ROW, "litres": " "})


def test_cost_is_rounded_to_cents():
    assert FuelUp("VAN-01", date(2025, 3, 4), 1, 33.33, 1.799).cost == 59.96


def test_load_fuelups_skips_broken_rows_and_sorts(tmp_path):
    log = tmp_path / "fuel.csv"
    log.write_text(
        "vehicle,date,odometer_km,litres,price_per_litre\n"
        "VAN-02,2025-02-01,1500,50,1.7\n"
        "VAN-01,2025-01-20,900,40,1.7\n"
        "VAN-01,2025-01-05,,40,1.7\n"
        "VAN-01,2025-01-02,100,40,1.7\n",
        encoding="utf-8",
    )
    fuelups = load_fuelups(log)
    assert [(f.vehicle, f.odometer_km) for f in fuelups] == [("VAN-01", 100), ("VAN-01", 900), ("VAN-02", 1500)]


def test_grouping_keeps_each_vehicle_in_odometer_order():
    a = FuelUp("VAN-01", date(2025, 1, 9), 900, 40, 1.7)
    b = FuelUp("VAN-01", date(2025, 1, 2), 100, 40, 1.7)
    c = FuelUp("TRK-07", date(2025, 1, 5), 5000, 90, 1.7)
    groups = by_vehicle([a, c, b])
    assert groups == {"VAN-01": [b, a], "TRK-07": [c]}
