"""The batch book: one row per pour (candles) or per batch of soap, read from data/batches.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pourlog.parsing import parse_code, parse_cure, parse_date, parse_fragrance, parse_product, parse_weight

CANDLES = ("container", "pillar", "tealight")
SOAPS = ("cold process", "hot process", "melt and pour")


@dataclass(frozen=True)
class Batch:
    code: str
    made: date
    product: str
    scent: str
    base_g: float  # the wax of a candle pour, the oils of a soap batch
    fragrance_g: float
    cure_days: int | None  # None: the product's usual cure (pourlog.cure)
    units: int
    notes: str = ""

    @property
    def family(self) -> str:
        """candle or soap."""
        return "candle" if self.product in CANDLES else "soap"


def tidy_scent(text: str) -> str:
    """The scent's name with its spacing and case tidied: ' sea  SALT' -> 'Sea Salt'."""
    words = text.split()
    return " ".join(word if word == "&" else word[:1].upper() + word[1:].lower() for word in words)


def parse_batch(row: dict[str, str]) -> Batch:
    """One CSV row (from csv.DictReader) as a Batch; ValueError naming the field when one is bad."""
    base_g = parse_weight(row["base"])
    if base_g <= 0:
        raise ValueError(f"the base weight must be more than 0: {row['base']!r}")
    units = int(row["units"].strip())
    if units < 1:
        raise ValueError(f"a batch makes at least one unit: {row['units']!r}")
    return Batch(
        code=parse_code(row["batch"]),
        made=parse_date(row["made"]),
        product=parse_product(row["product"]),
        scent=tidy_scent(row.get("scent") or "") or "Unscented",
        base_g=base_g,
        fragrance_g=parse_fragrance(row.get("fragrance") or "", base_g),
        cure_days=parse_cure(row.get("cure") or ""),
        units=units,
        notes=(row.get("notes") or "").strip(),
    )


def load_batches(path: str | Path) -> list[Batch]:
    """Every batch in the CSV file, oldest first (by day made, then code)."""
    with open(path, newline="", encoding="utf-8") as handle:
        batches = []
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                batches.append(parse_batch(row))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}, line {line}: {exc}") from None
    return sorted(batches, key=lambda batch: (batch.made, batch.code))
