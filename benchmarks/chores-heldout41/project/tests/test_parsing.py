from datetime import date

import pytest

from walkies.parsing import normalise_dog, normalise_owner, parse_date, parse_distance, parse_walk_type


@pytest.mark.parametrize("text", ["2026-03-05", "05/03/2026", "5 Mar 2026", "5 March 2026", " 5  Mar 2026 "])
def test_parse_date_forms(text):
    assert parse_date(text) == date(2026, 3, 5)


def test_parse_date_rejects_junk():
    with pytest.raises(ValueError):
        parse_date("next tuesday")


@pytest.mark.parametrize(
    ("text", "km"),
    [("4.2km", 4.2), ("4.2 km", 4.2), ("4,6 km", 4.6), ("3", 3.0), ("2 mi", 3.219), ("2.4 miles", 3.862)],
)
def test_parse_distance(text, km):
    assert parse_distance(text) == pytest.approx(km, abs=0.001)


def test_parse_distance_blank_is_unknown():
    assert parse_distance("") is None
    assert parse_distance(" - ") is None


def test_normalise_dog_keeps_the_mister():
    assert normalise_dog("mr.pickles") == "Mr Pickles"
    assert normalise_dog("  BISCUIT ") == "Biscuit"


@pytest.mark.parametrize("text", ["Okafor", "okafor", "OKAFOR ", "Mrs. Okafor"])
def test_normalise_owner(text):
    assert normalise_owner(text) == "Okafor"


def test_normalise_owner_apostrophe():
    assert normalise_owner("o'neill") == "O'Neill"


@pytest.mark.parametrize(("text", "kind"), [("Group", "group"), ("pack", "group"), ("1:1", "solo"), ("SOLO", "solo")])
def test_parse_walk_type(text, kind):
    assert parse_walk_type(text) == kind


def test_parse_walk_type_unknown():
    with pytest.raises(ValueError):
        parse_walk_type("jog")
