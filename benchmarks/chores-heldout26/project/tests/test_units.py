import pytest

from filmlog.units import format_time, parse_temperature


@pytest.mark.parametrize(
    ("text", "celsius"),
    [("20C", 20.0), ("20 °C", 20.0), ("22.5c", 22.5), ("21", 21.0), ("68F", 20.0), (" 71.6 °F ", 22.0)],
)
def test_parse_temperature(text, celsius):
    assert parse_temperature(text) == celsius


@pytest.mark.parametrize("text", ["", "warm", "5C", "45 °C", "120F"])
def test_parse_temperature_refuses_junk_and_implausible_values(text):
    with pytest.raises(ValueError):
        parse_temperature(text)


def test_format_time():
    assert format_time(570) == "9:30"
    assert format_time(780) == "13:00"
