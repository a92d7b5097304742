from fractions import Fraction

from recipebox.menu import MenuEntry
from recipebox.recipes import Ingredient, Recipe
from recipebox.shopping import ShoppingItem, format_list, shopping_list

RECIPES = {
    "bread": Recipe(
        "bread", "Bread", 8, [Ingredient("Flour", Fraction(1), "kg"), Ingredient("milk", Fraction(1), "cup")]
    ),
    "cake": Recipe(
        "cake",
        "Cake",
        8,
        [
            Ingredient("flour", Fraction(250), "g"),
            Ingredient("flour", Fraction(1), "cup"),
            Ingredient("egg", Fraction(3), "egg"),
            Ingredient("milk", Fraction(100), "ml"),
        ],
    ),
}


def test_compatible_units_are_added_and_incompatible_ones_kept_apart():
    menu = [MenuEntry("Mon", "breakfast", "bread", None), MenuEntry("Sat", "lunch", "Cake", 4)]
    assert shopping_list(menu, RECIPES) == [
        ShoppingItem("egg", Fraction(2), "egg"),
        ShoppingItem("Flour", Fraction(1125, 1000), "kg"),
        ShoppingItem("Flour", Fraction(120), "ml"),
        ShoppingItem("milk", Fraction(290), "ml"),
    ]


def test_format_list():
    menu = [MenuEntry("Sat", "lunch", "cake", 8)]
    assert format_list(shopping_list(menu, RECIPES)) == [
        "egg    3 eggs",
        "flour  250 g",
        "flour  240 ml",
        "milk   100 ml",
    ]
    assert format_list([]) == ["nothing to buy: the menu is empty"]
