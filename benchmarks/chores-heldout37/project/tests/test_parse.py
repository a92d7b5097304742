from datetime import date

import pytest

from paddlelog.parse import (
    normalise_water,
    parse_craft,
    parse_date,
    parse_distance,
    parse_grade,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14", date(2026, 3, 14)),
        ("2026/04/02", date(2026, 4, 2)),
        ("07/03/2026", date(2026, 3, 7)),
        ("8 Mar 2026", date(2026, 3, 8)),
        ("4 April 2026", date(2026, 4, 4)),
        ("March 21, 2026", date(2026, 3, 21)),
        (" may 23 2026 ", date(2026, 5, 23)),
    ],
)
def test_parse_date_spellings(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "31/02/2026", "14 Foo 2026", "2026-13-01"])
def test_parse_date_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "km"),
    [("12 km", 12.0), ("9.5km", 9.5), ("25KM", 25.0), ("7.5mi", 12.07), ("4 miles", 6.437), ("6 nm", 11.112)],
)
def test_parse_distance(text, km):
    assert parse_distance(text) == pytest.approx(km, abs=0.001)


@pytest.mark.parametrize("text", ["far", "12 furlongs", "-3 km", "0 km"])
def test_parse_distance_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_distance(text)


@pytest.mark.parametrize(
    ("text", "grade"),
    [("", 0), ("flat", 0), ("-", 0), ("I", 1), ("ii", 2), ("grade 2", 2), ("Gr 2", 2), ("III+", 3), ("IV", 4), ("5", 5)],
)
def test_parse_grade(text, grade):
    assert parse_grade(text) == grade


@pytest.mark.parametrize("text", ["VII", "9", "grade x", "scary"])
def test_parse_grade_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_grade(text)


@pytest.mark.parametrize(
    ("text", "craft"),
    [("kayak", "kayak"), ("K1", "kayak"), ("Sea Kayak", "kayak"), ("open canoe", "canoe"), ("OC", "canoe"), ("C1", "canoe")],
)
def test_parse_craft(text, craft):
    assert parse_craft(text) == craft


def test_parse_craft_refuses_a_paddleboard():
    with pytest.raises(ValueError):
        parse_craft("SUP")


def test_normalise_water():
    assert normalise_water("river wye") == "River Wye"
    assert normalise_water("LOCH NESS ") == "Loch Ness"
    assert normalise_water("loch of the lowes") == "Loch of the Lowes"
