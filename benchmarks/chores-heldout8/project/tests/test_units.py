from fractions import Fraction

import pytest

from recipebox.units import (
    COUNT,
    MASS,
    VOLUME,
    UnitError,
    compatible,
    convert,
    display_unit,
    format_amount,
    format_quantity,
    normalize_unit,
    unit_kind,
)


def test_aliases_and_case():
    assert normalize_unit("Tablespoons") == "tbsp"
    assert normalize_unit(" KG ") == "kg"
    assert normalize_unit("eggs") == "egg"
    assert normalize_unit("") == ""
    with pytest.raises(UnitError):
        normalize_unit("handful")


def test_kinds():
    assert [unit_kind(u) for u in ("g", "cup", "clove", "")] == [MASS, VOLUME, COUNT, COUNT]


def test_convert_within_a_kind():
    assert convert(3, "tbsp", "ml") == 45
    assert convert(Fraction(3, 2), "kg", "g") == 1500
    assert convert(1, "cup", "tbsp") == 16
    with pytest.raises(UnitError):
        convert(200, "g", "cup")


def test_counts_are_only_compatible_with_themselves():
    assert compatible("egg", "eggs")
    assert not compatible("clove", "piece")
    assert compatible("tsp", "l")
    assert not compatible("g", "ml")


def test_display_and_format():
    assert display_unit(Fraction(1500), "g") == (Fraction(3, 2), "kg")
    assert display_unit(Fraction(999), "ml") == (Fraction(999), "ml")
    assert format_amount(Fraction(1, 3)) == "0.33"
    assert format_quantity(Fraction(3), "egg") == "3 eggs"
    assert format_quantity(Fraction(1), "can") == "1 can"
    assert format_quantity(Fraction(2), "bunch") == "2 bunches"
    assert format_quantity(Fraction(5, 2), "") == "2.5"
