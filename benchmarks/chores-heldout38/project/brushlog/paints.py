"""Paint brands and colour names, however they were typed, and the paints used per session."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brushlog.sessions import Session

# Each brand by its name in the reports, with the spellings the log uses for it (lower case).
BRANDS: dict[str, tuple[str, ...]] = {
    "Citadel": ("citadel", "gw", "games workshop", "citadel colour"),
    "Vallejo": ("vallejo", "valejo", "vmc", "vgc", "vallejo model color", "vallejo game color"),
    "Army Painter": ("army painter", "the army painter", "armypainter", "tap", "warpaints"),
    "Scale75": ("scale75", "scale 75", "s75"),  # TODO: Two Thin Coats and Pro Acryl
    "AK Interactive": ("ak", "ak interactive", "ak 3gen", "ak3gen"),
}
_BY_SPELLING = {spelling: brand for brand, spellings in BRANDS.items() for spelling in spellings}

# Colour names I keep getting wrong, as the paint pot spells them.
COLOUR_FIXES = {"abbadon black": "Abaddon Black", "mephisto red": "Mephiston Red"}


def canonical_brand(text: str) -> str:
    """The brand's name in the reports ('gw', 'Citadel ' -> 'Citadel'); ValueError for an unknown brand."""
    key = " ".join(text.lower().split())
    try:
        return _BY_SPELLING[key]
    except KeyError:
        raise ValueError(f"unknown paint brand: {text!r}") from None


def _capitalised(word: str) -> str:
    """The word in lower case with its first letter upper case ("'ardcoat" -> "'Ardcoat")."""
    return re.sub(r"[a-z]", lambda letter: letter.group().upper(), word.lower(), count=1)


def colour_name(text: str) -> str:
    """A colour as the reports show it: each word capitalised, spaces tidied, known misspellings fixed."""
    name = " ".join(_capitalised(word) for word in text.split())
    return COLOUR_FIXES.get(name.lower(), name)


@dataclass(frozen=True)
class PaintUse:
    brand: str
    colour: str
    sessions: int
    minutes: int


def paint_usage(sessions: Iterable[Session]) -> list[PaintUse]:
    """Sessions and painting time per paint (brand and colour), most painting time first."""
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for session in sessions:
        key = (session.brand, session.colour)
        count, minutes = totals.get(key, (0, 0))
        totals[key] = (count + 1, minutes + session.minutes)
    uses = [PaintUse(brand, colour, count, minutes) for (brand, colour), (count, minutes) in totals.items()]
    return sorted(uses, key=lambda use: (-use.minutes, use.brand, use.colour))
