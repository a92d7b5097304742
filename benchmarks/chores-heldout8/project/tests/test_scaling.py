from fractions import Fraction

import pytest

from recipebox.recipes import Ingredient, Recipe
from recipebox.scaling import ServingsError, scale_factor, scale_recipe, scaled_lines

PANCAKES = Recipe(
    "pancakes",
    "Pancakes",
    4,
    [
        Ingredient("flour", Fraction(200), "g"),
        Ingredient("egg", Fraction(2), "egg"),
        Ingredient("salt", Fraction(1, 2), "tsp"),
    ],
)


def test_scale_factor():
    assert scale_factor(PANCAKES, 6) == Fraction(3, 2)
    for bad in (0, -2, True):
        with pytest.raises(ServingsError):
            scale_factor(PANCAKES, bad)


def test_scale_recipe_keeps_the_original():
    scaled = scale_recipe(PANCAKES, 2)
    assert scaled.servings == 2
    assert [i.quantity for i in scaled.ingredients] == [100, 1, Fraction(1, 4)]
    assert PANCAKES.servings == 4 and PANCAKES.ingredients[0].quantity == 200


def test_counts_are_rounded_up():
    assert [i.quantity for i in scale_recipe(PANCAKES, 3).ingredients] == [150, 2, Fraction(3, 8)]


def test_scaled_lines():
    lines = scaled_lines(PANCAKES, 6)
    assert lines == ["Pancakes for 6 (the recipe makes 4)", "  300 g flour", "  3 eggs", "  0.75 tsp salt"]
