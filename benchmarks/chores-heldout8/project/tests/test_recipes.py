from fractions import Fraction
from pathlib import Path

import pytest

from recipebox.recipes import Ingredient, RecipeError, find_recipe, load_recipe, load_recipes

DATA = Path(__file__).resolve().parent.parent / "data"


def test_load_recipe(tmp_path):
    path = tmp_path / "flapjack.toml"
    path.write_text(
        'name = "Flapjack"\nservings = 12\ntags = ["Baking"]\n'
        '[[ingredients]]\nitem = "rolled oats"\nquantity = 250\nunit = "grams"\n'
        '[[ingredients]]\nitem = "golden syrup"\nquantity = "3"\nunit = "Tbsp"\n',
        encoding="utf-8",
    )
    recipe = load_recipe(path)
    assert (recipe.slug, recipe.name, recipe.servings, recipe.tags) == ("flapjack", "Flapjack", 12, ["baking"])
    assert recipe.ingredients == [Ingredient("rolled oats", Fraction(250), "g"), Ingredient("golden syrup", 3, "tbsp")]


@pytest.mark.parametrize(
    "body",
    [
        'servings = 0\n[[ingredients]]\nitem = "x"\nquantity = 1\n',
        "servings = 2\n",
        'servings = 2\n[[ingredients]]\nitem = "x"\nquantity = 1\nunit = "handful"\n',
        "servings = [",
    ],
)
def test_bad_recipe_files_name_the_file(tmp_path, body):
    path = tmp_path / "broken.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RecipeError, match=r"broken\.toml"):
        load_recipe(path)


def test_the_recipe_box():
    recipes = load_recipes(DATA / "recipes")
    assert list(recipes) == sorted(recipes)
    assert {"chili", "pancakes", "pizza"} <= set(recipes)
    olive_oil = [i for i in recipes["lemon-spaghetti"].ingredients if i.item == "olive oil"]
    assert olive_oil == [Ingredient("olive oil", Fraction(3, 2), "tbsp")]


def test_find_recipe_by_slug_or_name():
    recipes = load_recipes(DATA / "recipes")
    assert find_recipe(recipes, "chili").name == "Chili con carne"
    assert find_recipe(recipes, "tomato SOUP").slug == "tomato-soup"
    with pytest.raises(KeyError, match="lasagne"):
        find_recipe(recipes, "lasagne")
