"""Reading the cellar book: a CSV with one row per lot (the same wine, vintage and bottle size)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cellar.window import Window, default_window, parse_window

COLOURS = ("red", "white", "rosé", "sparkling")
# How the book spells the colours, lower case: wine lists and labels in four languages.
COLOUR_NAMES = {
    "red": "red",
    "rouge": "red",
    "tinto": "red",
    "rosso": "red",
    "white": "white",
    "blanc": "white",
    "blanco": "white",
    "bianco": "white",
    "rosé": "rosé",
    "rose": "rosé",
    "rosado": "rosé",
    "rosato": "rosé",
    "sparkling": "sparkling",
    "fizz": "sparkling",
    "champagne": "sparkling",
    "cava": "sparkling",
    "prosecco": "sparkling",
}
NAMED_SIZES = {"half": 375, "magnum": 1500}
UNITS = {"ml": 1, "cl": 10, "l": 1000}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(ml|cl|l)")
_NON_VINTAGE = {"nv", "n/v", "n.v.", "non-vintage"}


@dataclass(frozen=True)
class Lot:
    bought: date
    producer: str
    wine: str
    region: str
    colour: str
    vintage: int | None  # None for a non-vintage wine
    size_ml: int
    qty: int
    price_pence: int  # what one bottle cost
    window: Window | None = None  # None when the book gives none

    @property
    def vintage_text(self) -> str:
        return "NV" if self.vintage is None else str(self.vintage)

    @property
    def label(self) -> str:
        return f"{self.producer}, {self.wine} {self.vintage_text}"

    @property
    def drinking_window(self) -> Window:
        """The book's window, or the colour's default one counted from the vintage (else the year bought)."""
        if self.window is not None:
            return self.window
        year = self.vintage if self.vintage is not None else self.bought.year
        return default_window(self.colour, year)


def parse_colour(text: str) -> str:
    """One of COLOURS, from the way the book spells it (``Rouge``, ``rosado``, ``fizz``)."""
    try:
        return COLOUR_NAMES[text.strip().lower()]
    except KeyError:
        raise ValueError(f"not a colour of wine: {text!r}") from None


def parse_size(text: str) -> int:
    """A bottle size in millilitres: ``75cl``, ``750 ml``, ``1.5L``, ``magnum`` or ``half``."""
    cleaned = text.strip().lower()
    if cleaned in NAMED_SIZES:
        return NAMED_SIZES[cleaned]
    match = _SIZE.fullmatch(cleaned)
    if not match:
        raise ValueError(f"not a bottle size: {text!r}")
    millilitres = round(float(match[1]) * UNITS[match[2]])
    if millilitres <= 0:
        raise ValueError(f"not a bottle size: {text!r}")
    return millilitres


def parse_price(text: str) -> int:
    """A price in pounds (``£14.50``, ``14.5``, ``£ 9``) as whole pence."""
    cleaned = text.strip().removeprefix("£").strip()  # TODO: euros, with the rate of the day bought
    try:
        pounds = float(cleaned)
    except ValueError:
        raise ValueError(f"not a price: {text!r}") from None
    if pounds < 0:
        raise ValueError(f"not a price: {text!r}")
    return round(pounds * 100)


def parse_vintage(text: str) -> int | None:
    """The vintage year, or None for a non-vintage wine (``NV``, ``n/v``)."""
    cleaned = text.strip().lower()
    if cleaned in _NON_VINTAGE:
        return None
    if not re.fullmatch(r"(19|20)\d\d", cleaned):
        raise ValueError(f"not a vintage: {text!r}")
    return int(cleaned)


def parse_day(text: str) -> date:
    """A date as 2025-11-02 or day first as 02/11/2025."""
    cleaned = text.strip()
    if "/" in cleaned:
        return datetime.strptime(cleaned, "%d/%m/%Y").date()
    return date.fromisoformat(cleaned)


def parse_row(row: dict[str, str]) -> Lot:
    """One row of the book (a dict from csv.DictReader) as a Lot; ValueError when a field is bad."""
    qty = int(row["qty"])
    if qty < 0:
        raise ValueError(f"a negative number of bottles: {row['qty']!r}")
    return Lot(
        bought=parse_day(row["bought"]),
        producer=row["producer"].strip(),
        wine=row["wine"].strip(),
        region=row["region"].strip(),
        colour=parse_colour(row["colour"]),
        vintage=parse_vintage(row["vintage"]),
        size_ml=parse_size(row["size"]),
        qty=qty,
        price_pence=parse_price(row["price"]),
        window=parse_window(row.get("window") or ""),
    )


def load_cellar(path: str | Path) -> list[Lot]:
    """Every lot in the book, in the order of the file."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [parse_row(row) for row in csv.DictReader(handle)]
