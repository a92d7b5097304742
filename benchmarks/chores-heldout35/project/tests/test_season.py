from datetime import date

from forage.finds import Find
from forage.season import best_spot, totals_by_month, totals_by_species

FINDS = [
    Find(date(2025, 9, 6), "cep", "Beech Ridge", 620.0, 4),
    Find(date(2025, 9, 20), "cep", "Hollow Wood", 255.2, 2),
    Find(date(2025, 10, 4), "cep", "beech ridge", 275.0, 2),
    Find(date(2025, 10, 5), "chanterelle", "Larch Plantation", 60.0, 8),
]


def test_totals_by_species_heaviest_first():
    assert totals_by_species(FINDS) == {"cep": 1150.2, "chanterelle": 60.0}


def test_totals_by_month():
    assert totals_by_month(FINDS) == [("2025-09", 875.2, 2), ("2025-10", 335.0, 2)]


def test_best_spot_ignores_case():
    assert best_spot(FINDS, "cep") == "beech ridge"
    assert best_spot(FINDS, "wood blewit") is None
