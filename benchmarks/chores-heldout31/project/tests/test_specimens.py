from datetime import date

from creel.catches import Catch
from creel.specimens import rating, specimen_grams, specimens

DAY = date(2026, 4, 25)


def fish(species, grams):
    return Catch(DAY, "Grand Union Canal", species, grams)


def test_specimen_grams():
    assert specimen_grams("perch") == 1361
    assert specimen_grams("crucian") == 1134
    assert specimen_grams("gudgeon") is None


def test_exactly_the_specimen_weight_is_a_specimen():
    assert rating(fish("roach", 907)) == "specimen"
    assert rating(fish("roach", 906)) == "near"


def test_a_fish_far_off_the_mark_is_not_rated():
    assert rating(fish("carp", 6350)) is None
    assert rating(fish("gudgeon", 60)) is None


def test_specimens_biggest_share_first():
    found = specimens([fish("roach", 850), fish("perch", 1417), fish("carp", 2000)])
    assert [(catch.species, verdict) for catch, verdict in found] == [("perch", "specimen"), ("roach", "near")]
