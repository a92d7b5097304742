"""The batch log: one row per roast in a CSV file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from roastlog.weights import parse_weight

COLUMNS = ("batch", "date", "bean", "green", "roasted_g", "first_crack", "drop")


@dataclass(frozen=True)
class Roast:
    batch: str
    date: date
    bean: str
    green_g: float
    roasted_g: float
    first_crack_s: int | None
    drop_s: int


def parse_clock(text: str) -> int:
    """Seconds from the start of the roast, from a ``m:ss`` timer reading such as ``8:45``."""
    minutes, sep, seconds = text.strip().partition(":")
    if not sep or not minutes.isdigit() or len(seconds) != 2 or not seconds.isdigit():
        raise ValueError(f"not a m:ss time: {text!r}")
    if int(seconds) >= 60:
        raise ValueError(f"seconds out of range in {text!r}")
    return int(minutes) * 60 + int(seconds)


def format_clock(seconds: int) -> str:
    """The reverse of parse_clock: 525 -> ``8:45``."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def parse_row(row: dict[str, str]) -> Roast:
    crack = row["first_crack"].strip()
    drop = parse_clock(row["drop"])  # TODO: warn when the drop is past 20 minutes, it is a typo every time
    return Roast(
        batch=row["batch"].strip(),
        date=date.fromisoformat(row["date"].strip()),
        bean=" ".join(row["bean"].split()),
        green_g=parse_weight(row["green"]),
        roasted_g=float(row["roasted_g"]),
        first_crack_s=parse_clock(crack) if crack else None,
        drop_s=drop,
    )


def load_roasts(path: str | Path) -> list[Roast]:
    """Every batch of the CSV file at ``path``, in the order of the file."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing columns: {', '.join(missing)}")
        return [parse_row(row) for row in reader]


def matching(roasts: list[Roast], bean: str | None) -> list[Roast]:
    """The batches whose bean contains ``bean`` (any case); all of them for None."""
    if not bean:
        return list(roasts)
    needle = bean.casefold()
    return [roast for roast in roasts if needle in roast.bean.casefold()]
