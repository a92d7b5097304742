"""The contact log: one CSV row per contact (QSO), times in UTC."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

MODES = ("CW", "SSB", "FM", "AM", "RTTY", "PSK31", "FT8", "FT4")
COLUMNS = ("date", "time", "call", "freq", "mode")


@dataclass(frozen=True)
class Contact:
    day: date
    time_utc: time
    call: str
    freq_mhz: float
    mode: str
    rst_sent: str = ""
    rst_rcvd: str = ""


def parse_time(text: str) -> time:
    """A UTC time written HHMM (the leading zero may be missing: 945) or HH:MM."""
    text = text.strip()
    if ":" in text:
        hours, minutes = text.split(":", 1)
    else:
        if not text.isdigit() or len(text) not in (3, 4):
            raise ValueError(f"not a time: {text!r}")
        text = text.zfill(4)
        hours, minutes = text[:2], text[2:]
    return time(int(hours), int(minutes))


def parse_row(row: dict[str, str]) -> Contact:
    missing = [column for column in COLUMNS if not (row.get(column) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    mode = row["mode"].strip().upper()
    if mode not in MODES:
        raise ValueError(f"unknown mode {row['mode']!r}")
    return Contact(
        day=date.fromisoformat(row["date"].strip()),
        time_utc=parse_time(row["time"]),
        call=row["call"].strip().upper(),
        freq_mhz=float(row["freq"]),
        mode=mode,
        rst_sent=(row.get("rst_sent") or "").strip(),
        rst_rcvd=(row.get("rst_rcvd") or "").strip(),
    )


def read_contacts(path: str | Path) -> list[Contact]:
    """Every contact of the CSV log, oldest first."""
    # TODO: read ADIF exports (.adi) too, not only our own CSV
    with open(path, newline="", encoding="utf-8") as handle:
        contacts = []
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                contacts.append(parse_row(row))
            except ValueError as exc:
                raise ValueError(f"{path}, line {number}: {exc}") from None
    return sorted(contacts, key=lambda contact: (contact.day, contact.time_utc))
