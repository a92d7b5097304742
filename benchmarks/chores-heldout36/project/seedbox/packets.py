"""The seed log: one row per packet in the tin (data/seeds.csv)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from seedbox.parse import (
    Quantity,
    normalise_crop,
    normalise_source,
    parse_germination,
    parse_quantity,
    parse_sow_by,
    tidy_variety,
)

COLUMNS = ("variety", "crop", "source", "packed", "sow_by", "quantity", "germination", "notes")


@dataclass(frozen=True)
class Packet:
    variety: str
    crop: str
    source: str
    packed: int | None
    sow_by: date | None
    quantity: Quantity | None
    germination: float | None
    notes: str = ""

    @property
    def hybrid(self) -> bool:
        """An F1 hybrid: its saved seed will not come true."""
        return "F1" in self.variety.upper().split()


def parse_packed(text: str) -> int | None:
    """The year a packet was packed or the seed saved: any four-digit year in the cell."""
    match = re.search(r"\b(19|20)\d\d\b", text)
    return int(match[0]) if match else None


def parse_row(row: dict[str, str]) -> Packet:
    """One CSV row (from csv.DictReader) as a Packet; ValueError when a field cannot be read."""
    variety = tidy_variety(row["variety"])
    if not variety:
        raise ValueError("a packet without a variety")
    return Packet(
        variety=variety,
        crop=normalise_crop(row["crop"]),
        source=normalise_source(row["source"]),
        packed=parse_packed(row.get("packed") or ""),
        sow_by=parse_sow_by(row.get("sow_by") or ""),
        quantity=parse_quantity(row.get("quantity") or ""),
        germination=parse_germination(row.get("germination") or ""),
        notes=(row.get("notes") or "").strip(),
    )


def load_packets(path: str | Path) -> list[Packet]:
    """Every packet in the log, sorted by crop and then variety."""
    with open(path, newline="", encoding="utf-8") as handle:
        packets = [parse_row(row) for row in csv.DictReader(handle)]  # TODO: say which line of the CSV is bad
    return sorted(packets, key=lambda packet: (packet.crop, packet.variety.lower()))
