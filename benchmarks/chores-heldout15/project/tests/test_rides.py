from datetime import date
from pathlib import Path

import pytest

from clubrides.rides import Ride, average_speed, load_rides, parse_club, parse_row

DATA = Path(__file__).resolve().parent.parent / "data" / "rides.csv"


def row(**changes: str) -> dict[str, str]:
    base = {
        "date": "2026-03-07",
        "rider": "Priya",
        "distance_km": "64.0",
        "elevation_m": "540",
        "moving_time": "2:25:10",
        "club": "yes",
    }
    return base | changes


def test_parse_row_reads_every_column():
    ride = parse_row(row())
    assert ride == Ride(date(2026, 3, 7), "Priya", 64.0, 540, 8710, True)


def test_parse_row_strips_the_rider_name():
    assert parse_row(row(rider="  Ines ")).rider == "Ines"


def test_an_empty_elevation_is_zero():
    assert parse_row(row(elevation_m="")).elevation_m == 0


def test_the_club_flag_accepts_yes_in_any_case():
    assert parse_club("YES") is True
    assert parse_club(" y ") is True


def test_an_unknown_club_flag_is_an_error():
    with pytest.raises(ValueError):
        parse_club("maybe")


def test_load_rides_reads_the_club_log_oldest_first():
    rides = load_rides(DATA)
    assert len(rides) == 31
    assert rides[0].day == date(2026, 3, 3)
    assert [ride.day for ride in rides] == sorted(ride.day for ride in rides)


def test_average_speed_is_km_per_hour_of_moving_time(make_ride):
    assert average_speed(make_ride("2026-03-07", km=45.0, moving=5400)) == pytest.approx(30.0)


def test_average_speed_without_moving_time_is_an_error(make_ride):
    with pytest.raises(ValueError):
        average_speed(make_ride("2026-03-07", moving=0))
