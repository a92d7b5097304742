"""Money, clock times and names as the club's printouts show them."""

from __future__ import annotations

from courtbook.bookings import Booking


def pence(amount: int) -> str:
    """An amount in pence as pounds: 1550 is `£15.50`."""
    return f"£{amount // 100}.{amount % 100:02d}"


def clock(minutes: int) -> str:
    """Minutes after midnight as a 24-hour time: 1110 is `18:30`."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours(minutes: int) -> str:
    """Minutes as hours to one decimal: 90 is `1.5`."""
    return f"{minutes / 60:.1f}"


def players(booking: Booking) -> str:
    """Who played: `Priya Shah v Tom Okafor`, a guest marked, or the member alone."""
    if not booking.opponent:
        return booking.member
    guest = " (guest)" if booking.guest else ""
    return f"{booking.member} v {booking.opponent}{guest}"
