from datetime import date

import pytest

from fleetlog.economy import legs, summarise, thirstiest_leg
from fleetlog.records import FuelUp


def fill(vehicle, day, km, litres, price=2.0):
    return FuelUp(vehicle, date(2025, 1, day), km, litres, price)


LOG = [
    fill("VAN-01", 1, 10_000, 55.0),
    fill("VAN-01", 8, 10_700, 56.0),
    fill("VAN-01", 15, 11_500, 64.0),
    fill("TRK-07", 3, 200_000, 100.0, 1.5),
]


def test_legs_use_the_litres_of_the_fill_up_that_ends_them():
    van = [leg for leg in legs(LOG) if leg.vehicle == "VAN-01"]
    assert [leg.distance_km for leg in van] == [700, 800]
    assert [round(leg.litres_per_100km, 2) for leg in van] == [8.0, 8.0]


def test_an_odometer_going_backwards_is_an_error():
    with pytest.raises(ValueError, match="VAN-01"):
        legs([fill("VAN-01", 1, 10_000, 50.0), fill("VAN-01", 2, 10_000, 50.0)])


def test_summary_leaves_out_the_first_fill_up():
    van, = [s for s in summarise(LOG) if s.vehicle == "VAN-01"]
    assert (van.fill_ups, van.distance_km, van.litres, van.cost) == (3, 1500, 120.0, 240.0)
    assert van.litres_per_100km == pytest.approx(8.0)
    assert van.cost_per_km == pytest.approx(0.16)


def test_a_vehicle_with_one_fill_up_has_no_economy_yet():
    truck, = [s for s in summarise(LOG) if s.vehicle == "TRK-07"]
    assert truck.distance_km == 0
    assert truck.litres_per_100km is None and truck.cost_per_km is None


def test_thirstiest_leg():
    log = [*LOG, fill("VAN-01", 20, 12_000, 50.0)]
    assert thirstiest_leg(log).end.odometer_km == 12_000
    assert thirstiest_leg(LOG[3:]) is None
