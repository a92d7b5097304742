"""Units of measure: what kind of thing a unit measures, and converting between units of one kind."""

from __future__ import annotations

from fractions import Fraction

MASS = "mass"
VOLUME = "volume"
COUNT = "count"

# Grams in one of each mass unit.
MASS_UNITS = {"g": Fraction(1), "kg": Fraction(1000)}
# Millilitres in one of each volume unit (metric spoons and cups).
VOLUME_UNITS = {
    "ml": Fraction(1),
    "l": Fraction(1000),
    "tsp": Fraction(5),
    "tbsp": Fraction(15),
    "cup": Fraction(240),
}
# Units that count things. A count is never converted: two eggs are two eggs, and a clove of
# garlic is not a bulb. The empty unit is a plain number ("2 onions").
COUNT_UNITS = {"", "piece", "egg", "clove", "can", "slice", "bunch"}
# TODO: ounces and pounds, for the recipes from American websites

ALIASES = {
    "gram": "g",
    "grams": "g",
    "kilo": "kg",
    "kilos": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "millilitre": "ml",
    "millilitres": "ml",
    "milliliter": "ml",
    "milliliters": "ml",
    "litre": "l",
    "litres": "l",
    "liter": "l",
    "liters": "l",
    "teaspoon": "tsp",
    "teaspoons": "tsp",
    "tablespoon": "tbsp",
    "tablespoons": "tbsp",
    "cups": "cup",
    "pieces": "piece",
    "pcs": "piece",
    "eggs": "egg",
    "cloves": "clove",
    "cans": "can",
    "tin": "can",
    "tins": "can",
    "slices": "slice",
    "bunches": "bunch",
}


class UnitError(ValueError):
    """A unit this module does not know, or a conversion between units of different kinds."""


def normalize_unit(unit: str) -> str:
    """The canonical spelling of ``unit`` ("Tablespoons" -> "tbsp"); UnitError when it is unknown."""
    key = unit.strip().lower().rstrip(".")
    key = ALIASES.get(key, key)
    if key in MASS_UNITS or key in VOLUME_UNITS or key in COUNT_UNITS:
        return key
    raise UnitError(f"unknown unit: {unit!r}")


def unit_kind(unit: str) -> str:
    """MASS, VOLUME or COUNT."""
    key = normalize_unit(unit)
    if key in MASS_UNITS:
        return MASS
    if key in VOLUME_UNITS:
        return VOLUME
    return COUNT


def to_base(quantity: Fraction, unit: str) -> tuple[Fraction, str]:
    key = normalize_unit(unit)
    if key in MASS_UNITS:
        return quantity * MASS_UNITS[key], "g"
    if key in VOLUME_UNITS:
        return quantity * VOLUME_UNITS[key], "ml"
    return quantity, key


def compatible(a: str, b: str) -> bool:
    """True when amounts in units ``a`` and ``b`` can be added up (same base unit)."""
    return to_base(Fraction(1), a)[1] == to_base(Fraction(1), b)[1]


def convert(quantity: Fraction | int, from_unit: str, to_unit: str) -> Fraction:
    """``quantity`` in ``from_unit`` expressed in ``to_unit`` (3 tbsp -> 45 ml; 1.5 kg -> 1500 g).

    There are no densities here: grams are never turned into cups, and UnitError says so.
    """
    amount, base = to_base(Fraction(quantity), from_unit)
    one, target = to_base(Fraction(1), to_unit)
    if base != target:
        raise UnitError(f"cannot convert {from_unit or 'a count'} to {to_unit or 'a count'}")
    return amount / one


def display_unit(amount: Fraction, base: str) -> tuple[Fraction, str]:
    """A base amount in the unit a cook would write: 1500 g -> 1.5 kg, 1250 ml -> 1.25 l, 750 g stays."""
    if base == "g" and amount >= 1000:
        return amount / 1000, "kg"
    if base == "ml" and amount >= 1000:
        return amount / 1000, "l"
    return amount, base


def format_amount(amount: Fraction) -> str:
    """2 -> "2", 3/2 -> "1.5", 1/3 -> "0.33": at most two decimals, no trailing zeros."""
    if amount.denominator == 1:
        return str(amount.numerator)
    return f"{float(amount):.2f}".rstrip("0").rstrip(".")


def format_quantity(amount: Fraction, unit: str) -> str:
    """The amount and its unit as text: "250 g", "1.5 kg", "3 eggs", "1 can", "2" (a plain count)."""
    number = format_amount(amount)
    if not unit:
        return number
    if unit in COUNT_UNITS and amount != 1:
        unit += "es" if unit.endswith(("ch", "sh")) else "s"
    return f"{number} {unit}"
