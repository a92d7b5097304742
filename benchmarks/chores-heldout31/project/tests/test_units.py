import pytest

from creel.units import format_weight, lb_oz, parse_weight


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("2lb 4oz", 1021),
        ("2 lb 4 oz", 1021),
        ("3lb2oz", 1417),
        ("12oz", 340),
        ("6lb", 2722),
        ("14 lbs", 6350),
        ("3.4kg", 3400),
        ("850g", 850),
        (" 1.95 KG ", 1950),
    ],
)
def test_parse_weight(text, grams):
    assert parse_weight(text) == grams


@pytest.mark.parametrize("text", ["", "heavy", "12", "0oz", "2lb 4"])
def test_parse_weight_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_weight(text)


def test_lb_oz_rounds_to_the_nearest_ounce():
    assert lb_oz(1021) == (2, 4)
    assert lb_oz(1810) == (4, 0)


def test_format_weight():
    assert format_weight(2665) == "5lb 14oz"
    assert format_weight(340) == "12oz"
    assert format_weight(6350) == "14lb 0oz"


def test_format_weight_carries_sixteen_ounces_into_a_pound():
    assert format_weight(1810) == "4lb 0oz"
