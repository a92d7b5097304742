from datetime import date

import pytest

from pourlog.parsing import parse_code, parse_date, parse_fragrance, parse_price, parse_product, parse_weight


@pytest.mark.parametrize(
    "text", ["2026-03-02", "02/03/2026", "2/3/2026", "2 Mar 2026", "2 March 2026", " 2  mar 2026 "]
)
def test_parse_date_reads_the_log_formats(text):
    assert parse_date(text) == date(2026, 3, 2)


@pytest.mark.parametrize("text", ["", "March 2026", "2026/03/02", "31/02/2026"])
def test_parse_date_refuses_the_rest(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("450g", 450),
        ("450 g", 450),
        ("450", 450),
        ("2kg", 2000),
        ("1 KG", 1000),
        ("16oz", 453.59237),
        ("2 lb", 907.18474),
        ("3 lbs", 1360.77711),
    ],
)
def test_parse_weight_in_grams(text, grams):
    assert parse_weight(text) == pytest.approx(grams)


@pytest.mark.parametrize("text", ["", "heavy", "12 stone", "-5g", "g"])
def test_parse_weight_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_weight(text)


def test_parse_fragrance_percent_of_the_base():
    assert parse_fragrance("8%", 900) == pytest.approx(72)
    assert parse_fragrance(" 5 % ", 400) == pytest.approx(20)


def test_parse_fragrance_as_a_weight():
    assert parse_fragrance("36g", 900) == 36
    assert parse_fragrance("1 oz", 900) == pytest.approx(28.349523125)


def test_parse_fragrance_blank_is_unscented():
    assert parse_fragrance("", 900) == 0
    assert parse_fragrance("  ", 900) == 0


@pytest.mark.parametrize(
    ("text", "code"), [("C-014", "C-014"), ("c14", "C-014"), ("C014", "C-014"), ("S 7", "S-007"), ("s-007", "S-007")]
)
def test_parse_code(text, code):
    assert parse_code(text) == code


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("container candle", "container"),
        ("Jar", "container"),
        ("PILLAR", "pillar"),
        ("Tea Lights", "tealight"),
        ("CP", "cold process"),
        ("Cold-process soap", "cold process"),
        ("hp soap", "hot process"),
        ("M&P", "melt and pour"),
        ("melt & pour", "melt and pour"),
    ],
)
def test_parse_product(text, product):
    assert parse_product(text) == product


def test_parse_product_refuses_an_unknown_product():
    with pytest.raises(ValueError, match="unknown product"):
        parse_product("wax melts")


@pytest.mark.parametrize(("text", "pence"), [("£8", 800), ("£8.50", 850), ("8.5", 850), ("£ 12.00", 1200), ("4", 400)])
def test_parse_price_in_pence(text, pence):
    assert parse_price(text) == pence
