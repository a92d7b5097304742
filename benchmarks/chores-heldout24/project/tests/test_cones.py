import pytest

from kilnlog.cones import parse_cone, target_temperature, to_fahrenheit, verdict


@pytest.mark.parametrize("text", ["6", "cone 6", "Cone 6", "^6", "cone6", " CONE 6 "])
def test_parse_cone_reads_the_log_spellings(text):
    assert parse_cone(text) == "6"


def test_double_digit_cone():
    assert parse_cone("cone 10") == "10"
    assert target_temperature("10") == 1305


def test_unknown_cone_is_an_error():
    with pytest.raises(ValueError, match="unknown cone"):
        parse_cone("cone 14")


# TODO: a test for every cone in the table, not just a couple
def test_verdict_around_cone_6():
    assert target_temperature("6") == 1243
    assert verdict(1243, "6") == "on target"
    assert verdict(1199, "6") == "underfired"
    assert verdict(1278, "6") == "overfired"


def test_to_fahrenheit():
    assert to_fahrenheit(1000) == 1832
