"""The week's shopping list: every ingredient of the menu's meals, added up.

The same item is one line when its amounts can be added (grams and kilograms; millilitres, spoons
and cups; the same count unit), and one line per kind of unit when they cannot: flour in grams and
flour in cups stay two lines, since there is no density to turn one into the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from recipebox.menu import MenuEntry
from recipebox.recipes import Recipe, find_recipe
from recipebox.scaling import scale_recipe
from recipebox.units import display_unit, format_quantity, to_base


@dataclass(frozen=True)
class ShoppingItem:
    item: str
    amount: Fraction  # in ``unit``
    unit: str  # g, kg, ml, l, or a count unit ("" for a plain count)

    def __str__(self) -> str:
        return f"{self.item}: {format_quantity(self.amount, self.unit)}"


def item_key(name: str) -> str:
    """The name an item is added up under: "Plain  Flour" and "plain flour" are one item."""
    return " ".join(name.lower().split())


def servings_per_recipe(menu: list[MenuEntry], recipes: dict[str, Recipe]) -> dict[str, int]:
    """The servings the week needs of each recipe on the menu, by slug.

    A recipe on the menu twice is cooked twice: its servings are added up, and the recipe is
    scaled once to the total (so that counted things are rounded up once, not per meal).
    """
    needed: dict[str, int] = {}
    for entry in menu:
        recipe = find_recipe(recipes, entry.recipe)
        servings = entry.servings or recipe.servings
        needed[recipe.slug] = needed.get(recipe.slug, 0) + servings
    return needed


def shopping_list(menu: list[MenuEntry], recipes: dict[str, Recipe]) -> list[ShoppingItem]:
    """One ShoppingItem per item and kind of unit, sorted by item; amounts in a cook's unit."""
    totals: dict[tuple[str, str], Fraction] = {}
    names: dict[str, str] = {}
    for slug, servings in servings_per_recipe(menu, recipes).items():
        for ingredient in scale_recipe(recipes[slug], servings).ingredients:
            amount, base = to_base(ingredient.quantity, ingredient.unit)
            key = (item_key(ingredient.item), base)
            names.setdefault(key[0], ingredient.item.strip())
            totals[key] = totals.get(key, Fraction(0)) + amount
    items = []
    for (key, base), amount in sorted(totals.items()):
        shown, unit = display_unit(amount, base)
        items.append(ShoppingItem(names[key], shown, unit))
    # TODO: group the list by aisle (produce, dairy, dry goods) like the paper list on the fridge
    return items


def format_list(items: list[ShoppingItem]) -> list[str]:
    """The lines `recipebox shop` prints: the item, then its amount, in two columns."""
    if not items:
        return ["nothing to buy: the menu is empty"]
    width = max(len(item.item) for item in items)
    return [f"{item.item:<{width}}  {format_quantity(item.amount, item.unit)}" for item in items]
