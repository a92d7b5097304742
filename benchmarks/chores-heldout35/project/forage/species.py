"""Species names: the log is typed in the field, so one mushroom goes by many names."""

from __future__ import annotations

ALIASES = {
    "cep": ("cep", "ceps", "porcini", "penny bun", "penny buns", "boletus edulis"),
    "chanterelle": ("chanterelle", "chanterelles", "girolle", "girolles", "cantharellus cibarius"),
    "hen of the woods": ("hen of the woods", "maitake", "grifola frondosa"),
    "chicken of the woods": ("chicken of the woods", "sulphur shelf", "laetiporus sulphureus"),
    "field mushroom": ("field mushroom", "field mushrooms", "agaricus campestris"),
    "giant puffball": ("giant puffball", "puffball", "calvatia gigantea"),
    "wood blewit": ("wood blewit", "wood blewits", "blewit", "blewits"),
}
# TODO: hedgehog mushroom and trompette de la mort once I find any

_LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


def normalise_species(name):
    key = " ".join(name.lower().replace("-", " ").split())
    return _LOOKUP.get(key, key)


def is_known(name):
    return normalise_species(name) in ALIASES
