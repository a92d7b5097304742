"""Scaling a recipe to another number of servings."""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

from recipebox.units import COUNT, format_quantity, unit_kind


class ServingsError(ValueError):
    """A number of servings that a recipe cannot be scaled to."""

    def __init__(self, servings):
        super().__init__(f"servings must be a whole number above zero, not {servings!r}")
        self.servings = servings


def scale_factor(recipe, servings):
    """How many times the recipe's quantities ``servings`` needs: 6 servings of a recipe for 4 -> 3/2."""
    if isinstance(servings, bool) or not isinstance(servings, int) or servings <= 0:
        raise ServingsError(servings)
    return Fraction(servings, recipe.servings)


def round_count(quantity):
    """Counted things are bought whole: 1.5 eggs -> 2 eggs, 3 cans stay 3 cans."""
    return Fraction(math.ceil(quantity))


def scale_ingredient(ingredient, factor):
    """The ingredient with its quantity times ``factor`` (counts rounded up to whole ones)."""
    quantity = ingredient.quantity * factor
    if unit_kind(ingredient.unit) == COUNT:
        quantity = round_count(quantity)
    return replace(ingredient, quantity=quantity)


def scale_recipe(recipe, servings):
    """A copy of ``recipe`` for ``servings``; the recipe itself is left as it is."""
    factor = scale_factor(recipe, servings)
    ingredients = [scale_ingredient(ingredient, factor) for ingredient in recipe.ingredients]
    return replace(recipe, servings=servings, ingredients=ingredients)


def ingredient_line(ingredient):
    """The ingredient as text: "250 g flour", "2 cloves garlic", "3 eggs" (an item counted in itself)."""
    if ingredient.unit and ingredient.unit == ingredient.item.lower():
        return format_quantity(ingredient.quantity, ingredient.unit)
    return f"{format_quantity(ingredient.quantity, ingredient.unit)} {ingredient.item}"


def scaled_lines(recipe, servings):
    """The lines `recipebox scale` prints: a heading, then one line per ingredient."""
    scaled = scale_recipe(recipe, servings)
    lines = [f"{scaled.name} for {servings} (the recipe makes {recipe.servings})"]
    lines += [f"  {ingredient_line(ingredient)}" for ingredient in scaled.ingredients]
    return lines

