"""The species list (data/species.csv): code, common name, scientific name and local rarity."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# From the most to the least often seen; "rare" and "vagrant" birds are worth reporting.
RARITY_LEVELS = ("common", "uncommon", "rare", "vagrant")
NOTABLE = frozenset({"rare", "vagrant"})


@dataclass(frozen=True)
class Species:
    code: str
    name: str
    scientific: str
    rarity: str

    @property
    def notable(self) -> bool:
        return self.rarity in NOTABLE


def parse_species_row(row: dict[str, str]) -> Species:
    code = (row.get("code") or "").strip().upper()
    name = (row.get("common_name") or "").strip()
    if not code or not name:
        raise ValueError("a species needs a code and a common name")
    rarity = (row.get("rarity") or "common").strip().lower()
    if rarity not in RARITY_LEVELS:
        raise ValueError(f"{code}: unknown rarity {rarity!r} (one of {', '.join(RARITY_LEVELS)})")
    return Species(code, name, (row.get("scientific_name") or "").strip(), rarity)


def load_species(path: Path | str) -> dict[str, Species]:
    """The species list by code; a code listed twice is an error."""
    # TODO: read the official eBird taxonomy CSV as well as our short list
    species: dict[str, Species] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            entry = parse_species_row(row)
            if entry.code in species:
                raise ValueError(f"species {entry.code} is listed twice")
            species[entry.code] = entry
    return species


def display_name(code: str, species: dict[str, Species]) -> str:
    entry = species.get(code.upper())
    return entry.name if entry else f"{code} (not in the species list)"


def rarity_rank(code: str, species: dict[str, Species]) -> int:
    """0 for a common bird up to 3 for a vagrant; a code missing from the list counts as a vagrant."""
    entry = species.get(code.upper())
    return RARITY_LEVELS.index(entry.rarity) if entry else len(RARITY_LEVELS) - 1


def rarest_first(codes: Iterable[str], species: dict[str, Species]) -> list[str]:
    return sorted(codes, key=lambda code: (-rarity_rank(code, species), display_name(code, species)))
