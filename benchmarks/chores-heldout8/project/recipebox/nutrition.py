"""Nutrition per serving, from data/nutrition.csv.

    item,basis,kcal,protein_g
    flour,100g,364,10.3
    milk,100ml,64,3.4
    egg,unit,72,6.3

``basis`` says what the figures are for: 100 g, 100 ml, or one unit of a counted item (one egg,
one can). An ingredient whose unit does not fit its basis (cups of flour against a figure per
100 g), or whose item is not in the file, is left out of the sums and reported as missing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from recipebox.recipes import Ingredient, Recipe
from recipebox.shopping import item_key
from recipebox.units import to_base

BASES = {"100g": ("g", 100), "100ml": ("ml", 100), "unit": (None, 1)}


class NutritionError(ValueError):
    """A nutrition file that cannot be used; the message names the line."""


@dataclass(frozen=True)
class Facts:
    basis: str  # 100g, 100ml or unit
    kcal: float
    protein_g: float


@dataclass
class Nutrition:
    kcal: float = 0.0
    protein_g: float = 0.0
    missing: list[str] = field(default_factory=list)  # items left out of the sums


def load_nutrition(path: Path | str) -> dict[str, Facts]:
    """The facts of each item, by item name (lower case, single spaces)."""
    path = Path(path)
    table: dict[str, Facts] = {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    basis = row["basis"].strip().lower().replace(" ", "")
                    if basis not in BASES:
                        raise ValueError(f"basis must be one of {', '.join(BASES)}, not {row['basis']!r}")
                    table[item_key(row["item"])] = Facts(basis, float(row["kcal"]), float(row["protein_g"]))
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    raise NutritionError(f"{path.name} line {line}: {exc}") from None
    except OSError as exc:
        raise NutritionError(f"{path}: {exc.strerror or exc}") from None
    return table


def portions(ingredient: Ingredient, facts: Facts) -> Fraction | None:
    """How many of ``facts``' basis the ingredient is (250 g of a per-100 g item: 5/2), or None."""
    amount, base = to_base(ingredient.quantity, ingredient.unit)
    unit, size = BASES[facts.basis]
    if unit is None:
        return amount if base not in ("g", "ml") else None
    # TODO: densities (g per cup) so that cups of flour can use the per-100 g figures
    return amount / size if base == unit else None


def per_serving(recipe: Recipe, table: dict[str, Facts]) -> Nutrition:
    """kcal and protein of one serving of ``recipe``; the items it could not count are listed."""
    total = Nutrition()
    for ingredient in recipe.ingredients:
        facts = table.get(item_key(ingredient.item))
        share = portions(ingredient, facts) if facts is not None else None
        if facts is None or share is None:
            total.missing.append(ingredient.item)
            continue
        total.kcal += float(share) * facts.kcal
        total.protein_g += float(share) * facts.protein_g
    total.kcal /= recipe.servings
    total.protein_g /= recipe.servings
    return total
