"""Recipes: the TOML files in data/recipes/, one recipe a file, read into Recipe objects.

    name = "Chili con carne"
    servings = 4
    tags = ["dinner", "freezes well"]
    steps = ["Brown the beef.", "Add the rest and simmer for an hour."]

    [[ingredients]]
    item = "minced beef"
    quantity = 500
    unit = "g"

A quantity is a number or a text such as "3/4" or "1 1/2"; the unit may be left out for a plain
count ("2 onions").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from recipebox.units import UnitError, normalize_unit

_MIXED = re.compile(r"(\d+)\s+(\d+)/(\d+)")
_FRACTION = re.compile(r"(\d+)/(\d+)")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")


class RecipeError(ValueError):
    """A recipe file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Ingredient:
    item: str
    quantity: Fraction
    unit: str = ""


@dataclass
class Recipe:
    slug: str  # the file name without .toml: what the menu and the command line call it
    name: str
    servings: int
    ingredients: list[Ingredient]
    steps: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def parse_quantity(value: int | float | str) -> Fraction:
    """A quantity from a recipe file as an exact fraction."""
    if isinstance(value, bool):
        raise ValueError(f"not a quantity: {value!r}")
    if isinstance(value, int):
        result = Fraction(value)
    elif isinstance(value, float):
        result = Fraction(str(value))  # 0.1 is 1/10, not the nearest binary float
    else:
        text = value.strip()
        if mixed := _MIXED.fullmatch(text):
            whole, numerator, denominator = (int(part) for part in mixed.groups())
            if denominator == 0:
                raise ValueError(f"not a quantity: {value!r}")
            result = whole + Fraction(numerator, denominator)
        elif simple := _FRACTION.fullmatch(text):
            numerator, denominator = (int(part) for part in simple.groups())
            if denominator == 0:
                raise ValueError(f"not a quantity: {value!r}")
            result = Fraction(numerator, denominator)
        elif _DECIMAL.fullmatch(text):
            result = Fraction(text)
        else:
            raise ValueError(f"not a quantity: {value!r}")
    if result <= 0:
        raise ValueError(f"a quantity must be more than zero, not {value!r}")
    return result


def parse_ingredient(data: dict) -> Ingredient:
    """One [[ingredients]] table; ValueError when it has no item or a bad quantity or unit."""
    item = str(data.get("item", "")).strip()
    if not item:
        raise ValueError("an ingredient without an item")
    if "quantity" not in data:
        raise ValueError(f"{item}: no quantity")
    try:
        unit = normalize_unit(str(data.get("unit", "")))
    except UnitError as exc:
        raise ValueError(f"{item}: {exc}") from None
    return Ingredient(item, parse_quantity(data["quantity"]), unit)


def load_recipe(path: Path | str) -> Recipe:
    """The recipe in a TOML file; RecipeError (with the file name) for a file that cannot be used."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RecipeError(f"{path.name}: {exc}") from None
    try:
        servings = data.get("servings")
        if not isinstance(servings, int) or isinstance(servings, bool) or servings <= 0:
            raise ValueError(f"servings must be a whole number above zero, not {servings!r}")
        ingredients = [parse_ingredient(entry) for entry in data.get("ingredients", [])]
        if not ingredients:
            raise ValueError("no ingredients")
    except ValueError as exc:
        raise RecipeError(f"{path.name}: {exc}") from None
    return Recipe(
        slug=path.stem,
        name=str(data.get("name") or path.stem.replace("-", " ").capitalize()),
        servings=servings,
        ingredients=ingredients,
        steps=[str(step) for step in data.get("steps", [])],
        tags=sorted(str(tag).lower() for tag in data.get("tags", [])),
    )


def load_recipes(folder: Path | str) -> dict[str, Recipe]:
    """Every recipe in a folder (``*.toml``), by slug, in alphabetical order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RecipeError(f"{folder}: no such folder of recipes")
    return {recipe.slug: recipe for recipe in map(load_recipe, sorted(folder.glob("*.toml")))}


def find_recipe(recipes: dict[str, Recipe], wanted: str) -> Recipe:
    """The recipe called ``wanted``: its slug, or its name in any case; KeyError naming the choices."""
    if wanted in recipes:
        return recipes[wanted]
    by_name = {recipe.name.casefold(): recipe for recipe in recipes.values()}
    found = by_name.get(wanted.strip().casefold())
    if found is None:
        choices = ", ".join(recipes) or "none"
        raise KeyError(f"no recipe called {wanted!r} (there are: {choices})")
    return found
