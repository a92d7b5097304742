"""The bookings sheet: one row per court booking, typed in at the clubhouse desk."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

COURTS = range(1, 7)  # courts 1 to 6, all of them floodlit
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")
YES = {"y", "yes", "true", "1"}
NO = {"", "n", "no", "false", "0"}

_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)?")
_COURT = re.compile(r"(?:court|ct\.?|c)?\s*(\d{1,2})")


@dataclass(frozen=True)
class Booking:
    """One booking: the member who booked pays for it."""

    day: date
    start: int  # minutes after midnight
    minutes: int
    court: int
    member: str
    opponent: str = ""
    guest: bool = False  # the opponent is not a member: the guest fee is due
    score: str = ""  # from the member's side; blank for a knock-up

    @property
    def end(self) -> int:
        """When the booking ends, in minutes after midnight."""
        return self.start + self.minutes


def parse_day(text: str) -> date:
    """A date written 2026-03-04, 04/03/2026 (day first), 4 Mar 2026 or 4 March 2026."""
    cleaned = " ".join(text.split())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_start(text: str) -> int:
    cleaned = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d{4}", cleaned):
        hour, minute, half = int(cleaned[:2]), int(cleaned[2:]), None
    else:
        match = _CLOCK.fullmatch(cleaned)
        if not match or (match[2] is None and match[3] is None):
            raise ValueError(f"not a time of day: {text!r}")
        hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"not a time of day: {text!r}")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time of day: {text!r}")
    return hour * 60 + minute


def parse_length(text: str) -> int:
    """How long a booking is, in minutes: `90`, `90 min`, `1h30`, `1.5h`, `2 hrs` or `1:30`."""
    cleaned = text.strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d+):(\d{2})", cleaned)
    if match:
        minutes = int(match[1]) * 60 + int(match[2])
    else:
        match = re.fullmatch(r"(\d+(?:\.\d+)?)(?:h|hr|hrs|hours?)(?:(\d+)(?:m|mins?)?)?", cleaned)
        if match:
            minutes = round(float(match[1]) * 60) + int(match[2] or 0)
        else:
            match = re.fullmatch(r"(\d+)(?:m|mins?|minutes)?", cleaned)
            if not match:
                raise ValueError(f"not a length of time: {text!r}")
            minutes = int(match[1])  # a bare number is minutes
    if minutes <= 0:
        raise ValueError(f"a booking must last some time: {text!r}")
    return minutes


def parse_court(text: str) -> int:
    """The court number from `3`, `Court 3`, `ct3`, `Ct. 3` or `C3`, in any case and spacing."""
    match = _COURT.fullmatch(text.strip().lower())
    if not match or int(match[1]) not in COURTS:
        raise ValueError(f"not one of the club's courts: {text!r}")
    return int(match[1])


def clean_name(text: str) -> str:
    """A name with its spacing tidied and each part capitalised: `anne-marie  LOWE` is `Anne-Marie Lowe`."""
    return " ".join("-".join(part.capitalize() for part in word.split("-")) for word in text.split())


def parse_guest(text: str) -> bool:
    """The guest column: y, yes, true or 1 for a guest; blank, n, no, false or 0 for a member."""
    cleaned = text.strip().lower()
    if cleaned in YES:
        return True
    if cleaned in NO:
        return False
    raise ValueError(f"guest should be yes or no: {text!r}")


def parse_row(row: dict[str, str]) -> Booking:
    """One row of the sheet (a dict from csv.DictReader) as a Booking; ValueError when a field is bad."""
    member = clean_name(row["member"])
    if not member:
        raise ValueError("no member named")
    opponent = clean_name(row.get("opponent") or "")
    guest = parse_guest(row.get("guest") or "")
    if guest and not opponent:
        raise ValueError("a guest is ticked but not named")
    return Booking(
        day=parse_day(row["date"]),
        start=parse_start(row["start"]),
        minutes=parse_length(row["length"]),
        court=parse_court(row["court"]),
        member=member,
        opponent=opponent,
        guest=guest,
        score=" ".join((row.get("score") or "").split()),
    )


def load_bookings(path: str | Path) -> list[Booking]:
    """Every booking in the CSV file, in time order (then by court)."""
    # TODO: read the semicolon-separated export of the online booking system as well
    bookings = []
    with open(path, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                bookings.append(parse_row(row))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}, line {number}: {exc}") from None
    return sorted(bookings, key=lambda booking: (booking.day, booking.start, booking.court))
