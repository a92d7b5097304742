import pytest

from brushlog.units import format_minutes, parse_coats


@pytest.mark.parametrize(
    ("text", "coats"),
    [("2", 2), ("1 coat", 1), ("3 Coats", 3), ("x2", 2), ("2x", 2), ("two coats", 2), ("one", 1), ("", 0), (" ", 0)],
)
def test_parse_coats(text, coats):
    assert parse_coats(text) == coats


@pytest.mark.parametrize("text", ["lots", "-1", "2.5", "x", "coats"])
def test_parse_coats_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_coats(text)


def test_format_minutes():
    assert format_minutes(80) == "1h20"
    assert format_minutes(45) == "0h45"
    assert format_minutes(120) == "2h00"
