from datetime import date

import pytest
from fuelbook.fillups import Fillup, load_fillups, parse_full, parse_odometer, parse_row, parse_volume


@pytest.mark.parametrize(
    ("text", "km"),
    [("48210", 48210), ("48,210", 48210), ("48 210", 48210), ("51 206 km", 51206), (" 9870 KM ", 9870)],
)
def test_odometer_spellings(text, km):
    assert parse_odometer(text) == km


# TODO: test an odometer typed with a full stop for the thousands (48.912) once it is read
@pytest.mark.parametrize("text", ["", "about 48k", "48,21"])
def test_odometer_junk(text):
    with pytest.raises(ValueError):
        parse_odometer(text)


@pytest.mark.parametrize(
    ("text", "litres"),
    [("41.82", 41.82), ("40.2 L", 40.2), ("38.5l", 38.5), ("41 litres", 41.0), ("39,7 l", 39.7), ("35 ltr", 35.0)],
)
def test_volume_spellings(text, litres):
    assert parse_volume(text) == litres


def test_volume_must_be_positive_litres():
    for text in ("0", "10 gal", "lots"):
        with pytest.raises(ValueError):
            parse_volume(text)


def test_full_words():
    assert all(parse_full(word) for word in ("yes", "Y", "full", "TRUE", "", " Yes "))
    assert not any(parse_full(word) for word in ("no", "N", "partial", "FALSE", "half"))
    with pytest.raises(ValueError):
        parse_full("maybe")


def test_parse_row():
    row = {"date": "2026-02-14", "odometer": "52010", "volume": "10.00", "price": "£1.52/l", "full": "N",
           "station": " Moto Fleet services ", "note": ""}
    assert parse_row(row) == Fillup(date(2026, 2, 14), 52010, 10.0, 1.52, False, "Moto Fleet services")


def test_cost_is_to_the_penny():
    assert Fillup(date(2026, 1, 1), 1000, 38.44, 1.469).cost == 56.47


def test_the_log_reads_and_is_in_odometer_order():
    fills = load_fillups("data/fillups.csv")
    assert len(fills) == 18
    assert [fill.odometer for fill in fills] == sorted(fill.odometer for fill in fills)
    assert sum(not fill.full for fill in fills) == 6
