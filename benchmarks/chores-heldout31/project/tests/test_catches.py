from datetime import date

import pytest

from creel.catches import Catch, load_catches, normalise_species, normalise_water, parse_date, parse_kept, parse_row


@pytest.mark.parametrize("text", ["2026-04-11", "11/04/2026", "11 Apr 2026", "11 April 2026", " 11  apr 2026 "])
def test_parse_date_formats(text):
    assert parse_date(text) == date(2026, 4, 11)


def test_parse_date_refuses_junk():
    with pytest.raises(ValueError):
        parse_date("last Tuesday")


@pytest.mark.parametrize(
    ("text", "species"),
    [
        ("Roach", "roach"),
        ("Perch ", "perch"),
        ("Mirror", "carp"),
        ("common  carp", "carp"),
        ("crucian carp", "crucian"),
        ("Jack", "pike"),
        ("Bronze bream", "bream"),
        ("Gudgeon", "gudgeon"),
    ],
)
def test_normalise_species(text, species):
    assert normalise_species(text) == species


def test_a_blank_species_is_an_error():
    with pytest.raises(ValueError):
        normalise_species("  ")


def test_normalise_water():
    assert normalise_water("grand union  canal") == "Grand Union Canal"


def test_parse_kept():
    assert parse_kept("Y") is True
    assert parse_kept("kept") is True
    assert parse_kept("") is False
    assert parse_kept("no") is False
    with pytest.raises(ValueError):
        parse_kept("maybe")


def test_parse_row():
    row = {"date": "12/04/2026", "water": "Grand Union canal", "species": "jack pike", "weight": "6lb",
           "length": "64 cm", "bait": "Deadbait", "kept": ""}
    assert parse_row(row) == Catch(date(2026, 4, 12), "Grand Union Canal", "pike", 2722, 64.0, "deadbait", False)


def test_load_catches_sorts_by_day_and_keeps_the_order_of_a_day(tmp_path):
    log = tmp_path / "catches.csv"
    log.write_text(
        "date,water,species,weight,length,bait,kept\n"
        "2026-05-02,Mill Pond,carp,14 lb,,pellet,\n"
        "01/05/2026,Mill Pond,roach,9oz,,hemp,y\n"
        "2 May 2026,Mill Pond,tench,4lb 13oz,,corn,\n",
        encoding="utf-8",
    )
    catches = load_catches(log)
    assert [catch.species for catch in catches] == ["roach", "carp", "tench"]
    assert catches[0].kept and catches[1].length_cm is None
