"""What a booking costs: the court hire, the floodlight surcharge and the guest fee, all in pence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from courtbook.bookings import Booking

PEAK_RATE = 600  # pence an hour
OFF_PEAK_RATE = 400  # pence an hour
PEAK_FROM = 17 * 60  # TODO: bank holidays should be peak all day, like weekends
GUEST_FEE = 500  # pence, once for each booking that brings a guest
FLOODLIGHT_RATE = 175  # pence for each half hour, or part of one, under the lights

# When the floodlights go on, by month, in minutes after midnight (the committee's table).
LIGHTS_ON = {
    1: 16 * 60,
    2: 17 * 60,
    3: 18 * 60,
    4: 19 * 60 + 30,
    5: 20 * 60 + 30,
    6: 21 * 60,
    7: 21 * 60,
    8: 20 * 60,
    9: 19 * 60,
    10: 18 * 60,
    11: 16 * 60,
    12: 15 * 60 + 45,
}


def is_peak(booking: Booking) -> bool:
    """Peak is all day Saturday and Sunday, and weekdays from 17:00 (by when the booking starts)."""
    return booking.day.weekday() >= 5 or booking.start >= PEAK_FROM


def court_hire(booking: Booking) -> int:
    """The hire of the court for the length of the booking, to the nearest penny."""
    rate = PEAK_RATE if is_peak(booking) else OFF_PEAK_RATE
    return (rate * booking.minutes + 30) // 60


def lit_minutes(booking: Booking) -> int:
    """How many minutes of the booking are played after the lights go on that month."""
    lights_on = LIGHTS_ON[booking.day.month]
    return max(0, booking.end - max(booking.start, lights_on))


def floodlight_charge(booking: Booking) -> int:
    """The surcharge for the lights: every started half hour under them."""
    half_hours = -(-lit_minutes(booking) // 30)
    return half_hours * FLOODLIGHT_RATE


def booking_fee(booking: Booking) -> int:
    """What the member who booked pays, in pence: the hire, the lights and any guest fee."""
    fee = court_hire(booking) + floodlight_charge(booking)
    if booking.guest:
        fee += GUEST_FEE
    return fee


@dataclass
class Bill:
    """What one member owes over the bookings they made."""

    member: str
    bookings: int = 0
    minutes: int = 0
    hire: int = 0
    lights: int = 0
    guests: int = 0

    @property
    def total(self) -> int:
        return self.hire + self.lights + self.guests


def parse_month(text: str) -> tuple[int, int]:
    """A month written 2026-03 or 2026-3, as (year, month)."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    return int(match[1]), int(match[2])


def monthly_bills(bookings: Iterable[Booking], month: tuple[int, int] | None = None) -> list[Bill]:
    """One bill for each member who booked, by name; only the bookings of `month` when it is given."""
    bills: dict[str, Bill] = {}
    for booking in bookings:
        if month is not None and (booking.day.year, booking.day.month) != month:
            continue
        bill = bills.setdefault(booking.member, Bill(booking.member))
        bill.bookings += 1
        bill.minutes += booking.minutes
        bill.hire += court_hire(booking)
        bill.lights += floodlight_charge(booking)
        if booking.guest:
            bill.guests += GUEST_FEE
    return [bills[name] for name in sorted(bills)]
