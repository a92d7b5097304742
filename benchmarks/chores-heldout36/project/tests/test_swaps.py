from datetime import date

from seedbox.packets import Packet
from seedbox.parse import Quantity
from seedbox.swaps import seed_count, surplus
from seedbox.viability import judge

SPRING = date(2026, 4, 1)


def verdict(variety, quantity, crop="tomato", germination=0.9):
    return judge(Packet(variety, crop, "saved", 2025, None, quantity, germination), SPRING)


def test_seed_count_from_weight_or_count():
    assert seed_count(verdict("Moneymaker", Quantity(2.0, "g"))) == 600
    assert seed_count(verdict("Moneymaker", Quantity(25.0, "seeds"))) == 25
    assert seed_count(verdict("Moneymaker", None)) is None


def test_surplus_groups_spellings_and_keeps_some_back():
    offers = surplus(
        [verdict("Gardener's Delight", Quantity(30.0, "seeds")), verdict("gardeners delight", Quantity(15.0, "seeds"))]
    )
    assert [(o.variety, o.seeds, o.packets) for o in offers] == [("Gardener's Delight", 25, 2)]


def test_no_f1_and_no_poor_seed_at_the_swap():
    # TODO: a test for a variety that is in the log under two crops
    assert surplus([verdict("Sungold F1", Quantity(1.0, "g"))]) == []
    assert surplus([verdict("Moneymaker", Quantity(1.0, "g"), germination=0.4)]) == []
