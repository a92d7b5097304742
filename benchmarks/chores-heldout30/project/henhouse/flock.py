"""The hens of the flock, and the nicknames they go by in the log."""

from __future__ import annotations

HENS = ("Marigold", "Pepper", "Clementine", "Dot")

ALIASES = {  # TODO: read the nicknames from data/flock.toml instead of keeping them in the code
    "mari": "Marigold",
    "goldie": "Marigold",
    "pep": "Pepper",
    "clem": "Clementine",
    "clemmie": "Clementine",
    "dotty": "Dot",
}


def canonical_hen(name: str) -> str:
    """The hen's name as in HENS, from any case of it or a nickname; ValueError for a stranger."""
    key = name.strip().lower()
    for hen in HENS:
        if key == hen.lower():
            return hen
    if key in ALIASES:
        return ALIASES[key]
    raise ValueError(f"no hen called {name!r} in the flock")
