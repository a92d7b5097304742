from fractions import Fraction

import pytest

from recipebox.nutrition import Facts, NutritionError, load_nutrition, per_serving
from recipebox.recipes import Ingredient, Recipe


def test_load_nutrition(tmp_path):
    path = tmp_path / "nutrition.csv"
    path.write_text("item,basis,kcal,protein_g\nPlain Flour,100 g,364,10.3\negg,unit,72,6.3\n", encoding="utf-8")
    assert load_nutrition(path) == {"plain flour": Facts("100g", 364, 10.3), "egg": Facts("unit", 72, 6.3)}
    path.write_text("item,basis,kcal,protein_g\nflour,per cup,455,13\n", encoding="utf-8")
    with pytest.raises(NutritionError, match="line 2"):
        load_nutrition(path)


def test_per_serving_counts_what_it_can():
    table = {"flour": Facts("100g", 364, 10), "egg": Facts("unit", 72, 6), "milk": Facts("100ml", 64, 3.4)}
    recipe = Recipe(
        "x",
        "X",
        2,
        [
            Ingredient("flour", Fraction(250), "g"),
            Ingredient("egg", Fraction(2), "egg"),
            Ingredient("milk", Fraction(1), "cup"),
            Ingredient("flour", Fraction(1), "cup"),
            Ingredient("salt", Fraction(1), "tsp"),
        ],
    )
    facts = per_serving(recipe, table)
    assert facts.kcal == pytest.approx((910 + 144 + 153.6) / 2)
    assert facts.protein_g == pytest.approx((25 + 12 + 8.16) / 2)
    assert facts.missing == ["flour", "salt"]
