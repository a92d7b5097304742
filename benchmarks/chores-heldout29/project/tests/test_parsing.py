from datetime import date

import pytest

from stringlog.parsing import canonical_guitar, parse_coated, parse_date, parse_gauge, parse_price


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-06-14", date(2025, 6, 14)), ("21/07/2025", date(2025, 7, 21)), ("2 Sep 2025", date(2025, 9, 2))],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_date_refuses_junk():
    with pytest.raises(ValueError):
        parse_date("last tuesday")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10-46", (10, 46)), ("10\u201346", (10, 46)), (".010-.046", (10, 46)), ("11s", (11, 49)), ("12 - 53", (12, 53))],
)
def test_parse_gauge(text, expected):
    assert parse_gauge(text) == expected


@pytest.mark.parametrize("text", ["46-10", "8s", "heavy", ""])
def test_parse_gauge_refuses(text):
    with pytest.raises(ValueError):
        parse_gauge(text)


def test_parse_price():
    assert parse_price("£7.50") == 7.5
    assert parse_price("6.80 GBP") == 6.8
    assert parse_price("  ") is None


def test_parse_coated():
    assert parse_coated("Y") is True
    assert parse_coated("") is False
    with pytest.raises(ValueError):
        parse_coated("maybe")


@pytest.mark.parametrize("text", ["Tele ", "TELE", "fender tele", "the tele"])
def test_canonical_guitar(text):
    assert canonical_guitar(text) == "telecaster"


def test_canonical_guitar_keeps_unknown_names():
    assert canonical_guitar("  Les Paul ") == "les paul"
