import pytest

from curdlog.units import format_weight, parse_age, parse_rennet, parse_volume


@pytest.mark.parametrize(
    ("text", "litres"),
    [("8 L", 8.0), ("4L", 4.0), ("12 litres", 12.0), ("2 gal", 7.57), ("10 pints", 4.73), ("1.5 gal", 5.678), ("6", 6.0)],
)
def test_parse_volume(text, litres):
    assert parse_volume(text) == pytest.approx(litres, abs=0.001)


def test_parse_volume_rejects_an_unknown_unit():
    with pytest.raises(ValueError):
        parse_volume("3 cups")


@pytest.mark.parametrize(
    ("text", "ml"), [("0.9 ml", 0.9), ("1/2 tsp", 2.465), ("1/4tsp", 1.2325), ("20 drops", 1.0), ("", None)]
)
def test_parse_rennet(text, ml):
    assert parse_rennet(text) == (None if ml is None else pytest.approx(ml, abs=0.001))


@pytest.mark.parametrize(
    ("text", "days"), [("9 weeks", 63), ("3 wks", 21), ("7d", 7), ("2 months", 60), ("fresh", 0), ("25 days", 25)]
)
def test_parse_age(text, days):
    assert parse_age(text) == days


def test_format_weight():
    assert format_weight(745) == "745 g"
    assert format_weight(1210) == "1.21 kg"
