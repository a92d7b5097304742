from datetime import date

from creel.catches import Catch
from creel.stats import (
    best_session,
    heaviest_of,
    kept_weight,
    monthly_weight,
    personal_bests,
    session_bags,
    species_counts,
)

D1, D2 = date(2026, 4, 4), date(2026, 5, 2)
CATCHES = [
    Catch(D1, "Mill Pond", "roach", 340),
    Catch(D1, "Mill Pond", "perch", 680, kept=True),
    Catch(D1, "Grand Union Canal", "perch", 935),
    Catch(D2, "Mill Pond", "roach", 340),
    Catch(D2, "Hollow Lake", "carp", 8600),
]


def test_personal_bests_by_species_first_caught_wins_a_tie():
    bests = personal_bests(CATCHES)
    assert list(bests) == ["carp", "perch", "roach"]
    assert bests["perch"].water == "Grand Union Canal"
    assert bests["roach"].day == D1


def test_heaviest_of():
    assert heaviest_of(CATCHES, "perch").grams == 935
    assert heaviest_of(CATCHES, "pike") is None


def test_a_session_is_one_water_on_one_day():
    bags = session_bags(CATCHES)
    assert [(bag.day, bag.water, bag.fish) for bag in bags] == [
        (D1, "Grand Union Canal", 1),
        (D1, "Mill Pond", 2),
        (D2, "Hollow Lake", 1),
        (D2, "Mill Pond", 1),
    ]
    assert bags[1].grams == 1020 and bags[1].species == {"roach", "perch"}
    assert bags[1].average_grams == 510


def test_session_bags_on_one_water():
    assert [bag.day for bag in session_bags(CATCHES, "mill pond")] == [D1, D2]


def test_best_session():
    assert best_session(CATCHES).water == "Hollow Lake"
    assert best_session([]) is None


def test_species_counts_most_first():
    assert species_counts(CATCHES) == {"perch": 2, "roach": 2, "carp": 1}


def test_monthly_weight():
    assert monthly_weight(CATCHES) == {(2026, 4): {"roach": 340, "perch": 1615}, (2026, 5): {"roach": 340, "carp": 8600}}


def test_kept_weight():
    assert kept_weight(CATCHES) == 680
