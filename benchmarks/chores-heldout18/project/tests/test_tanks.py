from pathlib import Path

import pytest
from tanklog.tanks import parse_kind, parse_volume, read_tanks

DATA = Path(__file__).resolve().parent.parent / "data"


def test_parse_volume_litres_any_case():
    assert parse_volume("200 L") == 200.0
    assert parse_volume("120l") == 120.0
    assert parse_volume("75 Litres") == 75.0


def test_parse_volume_us_gallons():
    assert parse_volume("15 gal") == pytest.approx(56.775)
    assert parse_volume("25 GAL") == pytest.approx(94.625)


def test_parse_volume_rejects_other_units():
    with pytest.raises(ValueError):
        parse_volume("20 pints")


def test_parse_kind():
    assert parse_kind(" Marine ") == "marine"
    with pytest.raises(ValueError):
        parse_kind("pond")


def test_read_tanks():
    tanks = read_tanks(DATA / "tanks.csv")
    assert list(tanks) == ["Reef", "Shrimp", "Community", "Goldfish", "Axolotl"]
    assert tanks["Goldfish"].kind == "coldwater"
