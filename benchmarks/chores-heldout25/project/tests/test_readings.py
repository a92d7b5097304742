from datetime import date

import pytest

from bplog.readings import load_readings, parse_arm, parse_pressure, parse_pulse


@pytest.mark.parametrize("text", ["128/82", "128 / 82", "128-82", "128 over 82", " 128/82 "])
def test_parse_pressure_spellings(text):
    assert parse_pressure(text) == (128, 82)


@pytest.mark.parametrize("text", ["", "128", "82/128", "abc/def", "1280/82"])
def test_parse_pressure_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_pressure(text)


@pytest.mark.parametrize(
    ("text", "arm"),
    [("L", "left"), ("left", "left"), ("Left arm", "left"), ("Lt", "left"), ("left ", "left"), ("", "left"),
     ("R", "right"), ("rt", "right"), ("Right arm", "right")],
)
def test_parse_arm(text, arm):
    assert parse_arm(text) == arm


def test_parse_arm_refuses_a_leg():
    with pytest.raises(ValueError):
        parse_arm("leg")


def test_parse_pulse():
    assert parse_pulse("64") == 64
    assert parse_pulse("61 bpm") == 61
    assert parse_pulse("") is None
    assert parse_pulse("-") is None


def test_load_readings_reads_the_diary():
    readings = load_readings("data/readings.csv")
    assert len(readings) == 20
    assert readings[0].day == date(2026, 2, 2)
    assert readings[2].day == date(2026, 2, 3) and readings[2].arm == "left"
    assert [r.day for r in readings] == sorted(r.day for r in readings)  # TODO: check the order within a day too
