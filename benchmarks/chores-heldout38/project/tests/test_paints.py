from datetime import date

import pytest

from brushlog.paints import PaintUse, canonical_brand, colour_name, paint_usage
from brushlog.sessions import Session


@pytest.mark.parametrize(
    ("text", "brand"),
    [
        ("GW", "Citadel"),
        ("games workshop", "Citadel"),
        ("VMC", "Vallejo"),
        ("Vallejo Game Color", "Vallejo"),
        ("TAP", "Army Painter"),
        ("Scale 75", "Scale75"),
        ("ak 3gen", "AK Interactive"),
    ],
)
def test_canonical_brand(text, brand):
    assert canonical_brand(text) == brand


def test_unknown_brand_is_an_error():
    with pytest.raises(ValueError, match="unknown paint brand"):
        canonical_brand("Humbrol")


def test_colour_name_capitalises_each_word():
    assert colour_name("mephiston red") == "Mephiston Red"
    assert colour_name("NULN OIL") == "Nuln Oil"
    assert colour_name("'ardcoat") == "'Ardcoat"


def test_colour_name_fixes_known_misspellings():
    assert colour_name("Abbadon Black") == "Abaddon Black"


def session(colour, minutes, brand="Citadel"):
    return Session(date(2026, 3, 2), "Goblin archers", 10, brand, colour, minutes, 1, "layered")


def test_paint_usage_adds_up_sessions_most_time_first():
    uses = paint_usage([session("Nuln Oil", 30), session("Mephiston Red", 50), session("Nuln Oil", 40)])
    assert uses == [PaintUse("Citadel", "Nuln Oil", 2, 70), PaintUse("Citadel", "Mephiston Red", 1, 50)]


def test_paint_usage_keeps_brands_apart():
    uses = paint_usage([session("Bone White", 30, "Vallejo"), session("Bone White", 30, "Citadel")])
    assert [use.brand for use in uses] == ["Citadel", "Vallejo"]
