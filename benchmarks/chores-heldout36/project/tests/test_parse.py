from datetime import date

import pytest

from seedbox.parse import (
    Quantity,
    normalise_crop,
    normalise_source,
    parse_germination,
    parse_quantity,
    parse_sow_by,
    tidy_variety,
    variety_key,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3g", Quantity(3.0, "g")), ("1.5 g", Quantity(1.5, "g")), ("2,5 g", Quantity(2.5, "g")),
     ("3 grams", Quantity(3.0, "g")), ("~40 seeds", Quantity(40.0, "seeds")), ("12", Quantity(12.0, "seeds")),
     ("c. 30 seeds", Quantity(30.0, "seeds")), ("2 oz", Quantity(56.7, "g")), ("", None)],
)  # fmt: skip
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["a handful", "2.5 seeds", "3 kg"])
def test_parse_quantity_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("8/10", 0.8), ("9 / 12", 0.75), ("7 of 10", 0.7), ("80%", 0.8), ("55 %", 0.55), ("n/a", None), ("", None)],
)
def test_parse_germination(text, expected):
    rate = parse_germination(text)
    assert rate is None if expected is None else rate == pytest.approx(expected)


@pytest.mark.parametrize("text", ["12/10", "3/0", "120%", "lots"])
def test_parse_germination_refuses_impossible_tests(text):
    with pytest.raises(ValueError):
        parse_germination(text)


@pytest.mark.parametrize(
    ("text", "crop"),
    [("Tomato ", "tomato"), ("tomatoes", "tomato"), ("Toms", "tomato"), ("Tomatillo", "tomatillo"),
     ("runner beans", "runner bean"), ("beet", "beetroot"), ("Chile pepper", "chilli"), ("PEAS", "pea")],
)  # fmt: skip
def test_normalise_crop(text, crop):
    assert normalise_crop(text) == crop


def test_normalise_source():
    assert [normalise_source(s) for s in ("SWAP", "swop", "Seed swap", "own", "given")] == [
        "swap", "swap", "swap", "saved", "gift",
    ]  # fmt: skip
    with pytest.raises(ValueError):
        normalise_source("found it")


def test_variety_spellings_share_a_key():
    assert tidy_variety("ring  of fire") == "Ring of Fire"
    assert tidy_variety("Gardener\u2019s Delight") == "Gardener's Delight"
    assert variety_key("Gardener's Delight") == variety_key("gardeners  delight")


def test_a_sow_by_date_is_read():
    assert parse_sow_by("31/10/2026") == date(2026, 10, 31)
