from datetime import date, time

import pytest

from moorlog.parsing import normalise_berth, normalise_boat, parse_date, parse_height, parse_nights, parse_tide_time


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-05-01", date(2026, 5, 1)), ("02/05/2026", date(2026, 5, 2)), ("2 May 2026", date(2026, 5, 2)),
     (" 7 may 2026 ", date(2026, 5, 7))],
)
def test_parse_date(text, day):
    assert parse_date(text) == day


def test_parse_date_rejects_junk():
    with pytest.raises(ValueError):
        parse_date("next Tuesday")


@pytest.mark.parametrize(
    ("text", "at"),
    [("14:05", time(14, 5)), ("2.50pm", time(14, 50)), ("1620", time(16, 20)), ("9.05am", time(9, 5)),
     ("12:15pm", time(12, 15)), ("0815", time(8, 15))],
)
def test_parse_tide_time(text, at):
    assert parse_tide_time(text) == at


def test_parse_height_in_feet_is_metres():
    assert parse_height("14.9ft") == pytest.approx(4.54, abs=0.01)
    assert parse_height(" 4.6 m") == 4.6


def test_parse_nights():
    assert [parse_nights(t) for t in ("3", "3 nights", "1 night", "2n")] == [3, 3, 1, 2]
    with pytest.raises(ValueError):
        parse_nights("0")


def test_normalise_boat():
    assert normalise_boat("SEA  WREN") == "Sea Wren"
    assert normalise_boat("puffin ") == "Puffin"


@pytest.mark.parametrize(
    ("text", "berth"),
    [("A3", "A3"), ("b 4", "B4"), ("A-03", "A3"), ("Pontoon B 7", "B7"), ("visitor 2", "V2"), ("Visitor 1", "V1")],
)
def test_normalise_berth(text, berth):
    assert normalise_berth(text) == berth
