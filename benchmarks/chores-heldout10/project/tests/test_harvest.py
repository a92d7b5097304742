from pathlib import Path

import pytest
from hivelog.harvest import jars_filled, kg_to_lb, lb_to_kg, load_harvests, totals_by_hive

DATA = Path(__file__).resolve().parent.parent / "data"


def test_pounds_and_kilograms():
    assert lb_to_kg(22.0462) == pytest.approx(10.0)
    assert kg_to_lb(lb_to_kg(17.5)) == pytest.approx(17.5)


def test_totals_by_hive_of_a_year():
    harvests = load_harvests(DATA / "harvests.csv")
    totals = totals_by_hive(harvests, 2024)
    assert list(totals) == ["Bramble", "Clover"]
    assert totals["Bramble"] == pytest.approx(lb_to_kg(43.5))
    assert len(totals_by_hive(harvests)) == 4


# TODO: a harvest row with a blank weight_lb should be skipped with a warning, not crash load_harvests
def test_jars_filled():
    assert jars_filled(1.0) == 2
    assert jars_filled(0.68) == 2
    assert jars_filled(2.0, jar_grams=454) == 4
