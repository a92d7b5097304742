"""The batch log: one row per make, read from a CSV typed in by hand in the kitchen."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from curdlog.units import parse_age, parse_rennet, parse_volume, parse_weight

STYLE_ALIASES = {
    "cheddar": "Cheddar",
    "chedder": "Cheddar",
    "ched": "Cheddar",
    "gouda": "Gouda",
    "feta": "Feta",
    "fetta": "Feta",
    "caerphilly": "Caerphilly",
    "caerphily": "Caerphilly",
    "red leicester": "Red Leicester",
    "leicester": "Red Leicester",
    "colby": "Colby",
    "camembert": "Camembert",
    "camembert style": "Camembert",
    "halloumi": "Halloumi",
    "haloumi": "Halloumi",
    "mozzarella": "Mozzarella",
    "mozarella": "Mozzarella",
    "mozz": "Mozzarella",
    "wensleydale": "Wensleydale",
}

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")


@dataclass(frozen=True)
class Batch:
    batch: str
    made: date
    style: str
    milk_l: float
    rennet_ml: float | None
    make_g: float
    aged_days: int | None = None
    aged_g: float | None = None
    notes: str = ""

    @property
    def opened(self) -> bool:
        """True once the wheel has been cut and weighed again."""
        return self.aged_g is not None


def parse_date(text: str) -> date:
    """The day a batch was made: 2025-09-06, 13/09/2025 (day first), 20 Sep 2025, 20 Sept 2025 or 4 October 2025."""
    cleaned = re.sub(r"\bsept\b", "Sep", " ".join(text.split()), flags=re.IGNORECASE)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date: {text!r}")


def parse_style(text: str) -> str:
    """The cheese style under one spelling: 'CHEDDAR', 'chedder ' and 'Cheddar' are all 'Cheddar'.

    A style the log has not seen before is kept, in title case.
    """
    key = " ".join(text.replace("-", " ").split()).lower()
    if not key:
        raise ValueError("no style")
    return STYLE_ALIASES.get(key, key.title())  # TODO: warn about a style we do not know instead of guessing


def parse_row(row: dict[str, str]) -> Batch:
    """One CSV row as a Batch (the aged columns stay blank until the wheel is opened)."""
    aged = (row.get("aged") or "").strip()
    aged_weight = (row.get("aged_weight") or "").strip()
    return Batch(
        batch=row["batch"].strip(),
        made=parse_date(row["made"]),
        style=parse_style(row["style"]),
        milk_l=parse_volume(row["milk"]),
        rennet_ml=parse_rennet(row.get("rennet") or ""),
        make_g=parse_weight(row["make_weight"]),
        aged_days=parse_age(aged) if aged else None,
        aged_g=parse_weight(aged_weight) if aged_weight else None,
        notes=(row.get("notes") or "").strip(),
    )


def load_batches(path: str | Path) -> list[Batch]:
    """Every batch of the CSV, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        batches = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(batches, key=lambda batch: (batch.made, batch.batch))
