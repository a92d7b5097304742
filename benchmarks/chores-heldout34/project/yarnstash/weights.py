"""Yarn weights: the standard classes, thinnest first, and the many ways a label spells them."""

from __future__ import annotations

WEIGHTS = ("lace", "fingering", "sport", "dk", "worsted", "aran", "chunky")

# Spellings seen on ball bands, folded to lower case without spaces, hyphens or dots.
ALIASES = {
    "lace": "lace",
    "laceweight": "lace",
    "2ply": "lace",
    "fingering": "fingering",
    "4ply": "fingering",
    "sock": "fingering",
    "sport": "sport",
    "5ply": "sport",
    "dk": "dk",
    "doubleknit": "dk",
    "8ply": "dk",
    "worsted": "worsted",
    "10ply": "worsted",
    "aran": "aran",
    "chunky": "chunky",
    "bulky": "chunky",
    "12ply": "chunky",
}


def parse_weight(text: str) -> str:
    """The standard weight class of a label's spelling ('Double Knit', '8 ply', '4-ply' ...)."""
    key = text.strip().lower().replace(" ", "").replace("-", "").replace(".", "")
    try:
        return ALIASES[key]
    except KeyError:
        raise ValueError(f"unknown yarn weight: {text!r}") from None


def weight_rank(weight: str) -> int:
    """Position of a standard weight class, thinnest first (for sorting)."""
    return WEIGHTS.index(weight)
