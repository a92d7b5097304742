"""Fill-ups: one row of data/fillups.csv each, read the way they were typed in off the receipts."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# A bare price of this many or more is pence per litre (nobody pays £10 a litre).
PENCE_ABOVE = 10.0
FULL_WORDS = {"", "yes", "y", "full", "true", "1"}  # TODO: accept "brimmed" too, I write that sometimes
PARTIAL_WORDS = {"no", "n", "partial", "false", "0", "half", "top-up"}

_ODOMETER = re.compile(r"(\d{1,3}(?:[ ,]\d{3})+|\d+)\s*(?:km)?", re.IGNORECASE)
_VOLUME = re.compile(r"(\d+(?:[.,]\d+)?)\s*(l|ltr|litres?|liters?)?", re.IGNORECASE)
_PRICE = re.compile(r"(£)?\s*(\d+(?:\.\d+)?)\s*(p)?\s*(?:/\s*(?:l|ltr|litre|liter))?", re.IGNORECASE)


@dataclass(frozen=True)
class Fillup:
    day: date
    odometer: int  # km
    litres: float
    price: float  # £ per litre
    full: bool = True
    station: str = ""
    note: str = ""

    @property
    def cost(self) -> float:
        """What the fill-up cost, in pounds, to the penny."""
        return round(self.litres * self.price, 2)


def parse_odometer(text: str) -> int:
    """The odometer reading in km: ``48210``, ``48,210``, ``48 210`` or ``48210 km``."""
    match = _ODOMETER.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not an odometer reading: {text!r}")
    return int(re.sub(r"[ ,]", "", match.group(1)))


def parse_volume(text: str) -> float:
    """Litres to 0.01: ``41.82``, ``40.2 L``, ``38.5l``, ``41 litres``, ``35 ltr`` or ``39,7 l`` (decimal comma)."""
    match = _VOLUME.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a volume in litres: {text!r}")
    litres = float(match.group(1).replace(",", "."))
    if litres <= 0:
        raise ValueError(f"not a volume in litres: {text!r}")
    return round(litres, 2)


def parse_price(text: str) -> float:
    """The price per litre in pounds, to 0.001 (a tenth of a penny, as the pumps show it).

    Reads pounds (``1.459``, ``£1.459``) and pence (``145.9p``, or a bare ``145.9``: a bare number of
    10 or more is pence), with or without ``/l``, ``/ltr`` or ``/litre`` after it, units in any case,
    spaces around it ignored. Anything else raises ValueError.
    """
    cleaned = text.strip()
    match = _PRICE.fullmatch(cleaned)
    if not match:
        raise ValueError(f"not a price per litre: {text!r}")
    pound, number, pence = match.groups()
    if pound and pence:
        raise ValueError(f"both £ and p in a price: {text!r}")
    value = float(number)
    if pence or (not pound and value >= PENCE_ABOVE):
        value /= 100
    return round(value, 3)


def parse_full(text: str) -> bool:
    """Whether the tank was filled to the top; a blank counts as full (most fill-ups are)."""
    word = text.strip().lower()
    if word in FULL_WORDS:
        return True
    if word in PARTIAL_WORDS:
        return False
    raise ValueError(f"full or not? {text!r}")


def parse_row(row: dict[str, str]) -> Fillup:
    return Fillup(
        day=date.fromisoformat(row["date"].strip()),
        odometer=parse_odometer(row["odometer"]),
        litres=parse_volume(row["volume"]),
        price=parse_price(row["price"]),
        full=parse_full(row.get("full") or ""),
        station=(row.get("station") or "").strip(),
        note=(row.get("note") or "").strip(),
    )


def load_fillups(path: str | Path) -> list[Fillup]:
    """Every fill-up of the CSV, in odometer order."""
    with open(path, newline="", encoding="utf-8") as handle:
        fills = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(fills, key=lambda fill: fill.odometer)
