from datetime import date, time

import pytest
from obslog.parse import (
    normalise_site,
    normalise_target,
    parse_date,
    parse_focal,
    parse_length,
    parse_magnitude,
    parse_seeing,
    parse_time,
    parse_transparency,
)


@pytest.mark.parametrize(
    "text", ["2026-02-14", "14/02/2026", "14/2/2026", "14 Feb 2026", "Feb 14, 2026", " 14 february 2026"]
)
def test_parse_date_reads_every_spelling(text):
    assert parse_date(text) == date(2026, 2, 14)


@pytest.mark.parametrize("text", ["", "2026-02-30", "14.02.2026", "14 Fbr 2026", "tonight"])
def test_parse_date_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("21:40", time(21, 40)), ("2140", time(21, 40)), ("9:40pm", time(21, 40)), ("9.40 pm", time(21, 40)),
     ("1:10am", time(1, 10)), ("12:20am", time(0, 20)), ("12:05pm", time(12, 5)), ("0230", time(2, 30))],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


def test_a_blank_time_is_none():
    assert parse_time("  ") is None


@pytest.mark.parametrize("text", ["25:00", "13:10pm", "9pm", "late"])
def test_parse_time_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "mm"),
    [("200mm", 200.0), ("200 mm", 200.0), ("20cm", 200.0), ('8"', 203.2), ("8 in", 203.2), ("1.2m", 1200.0),
     ("80", 80.0)],
)
def test_parse_length_in_mm(text, mm):
    assert parse_length(text) == pytest.approx(mm)


def test_parse_focal_takes_a_focal_ratio():
    assert parse_focal("f/6", 200.0) == pytest.approx(1200.0)
    assert parse_focal("F7.5", 80.0) == pytest.approx(600.0)
    assert parse_focal("1200 mm", 200.0) == pytest.approx(1200.0)


@pytest.mark.parametrize(
    ("text", "grade"), [("II", 2), ("iii", 3), ("Ant. IV", 4), ("antoniadi v", 5), ("1", 1), ("good", 2)]
)
def test_parse_seeing(text, grade):
    assert parse_seeing(text) == grade


def test_parse_seeing_blank_and_junk():
    assert parse_seeing("") is None
    with pytest.raises(ValueError):
        parse_seeing("VI")


@pytest.mark.parametrize(
    ("text", "grade"),
    [("4", 4), ("3/5", 3), ("good", 4), ("Very Poor", 1), ("NELM 6.2", 5), ("nelm 5,6", 4), ("NELM 4.5", 2),
     ("", None)],
)
def test_parse_transparency(text, grade):
    assert parse_transparency(text) == grade


# TODO: test the transparency grades at exactly each NELM floor (6.0, 5.5, 5.0, 4.0)


@pytest.mark.parametrize(
    ("text", "mag"),
    [("4.0", 4.0), ("+8.4", 8.4), ("-2.5", -2.5), ("\u22122.5", -2.5), ("mag 10.0", 10.0), ("6,4", 6.4)],
)
def test_parse_magnitude(text, mag):
    assert parse_magnitude(text) == pytest.approx(mag)


def test_a_blank_magnitude_is_none():
    assert parse_magnitude("") is None


@pytest.mark.parametrize(
    ("text", "name"),
    [("m 42", "M42"), ("Messier 31", "M31"), ("ngc7000", "NGC 7000"), ("ic 434", "IC 434"), ("jupiter ", "Jupiter"),
     ("the Moon", "Moon"), ("double  cluster", "Double Cluster")],
)
def test_normalise_target(text, name):
    assert normalise_target(text) == name


def test_normalise_site():
    assert normalise_site(" back  garden ") == "Back Garden"
