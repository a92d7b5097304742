from datetime import date

from courtbook.bookings import Booking
from courtbook.report import clock, hours, pence, players


def test_pence():
    assert [pence(amount) for amount in (0, 5, 350, 1550, 36250)] == ["£0.00", "£0.05", "£3.50", "£15.50", "£362.50"]


def test_clock():
    assert clock(570) == "09:30"
    assert clock(1110) == "18:30"


def test_hours():
    assert hours(90) == "1.5"


def test_players():
    day = date(2026, 3, 2)
    assert players(Booking(day, 600, 60, 1, "Dev Patel")) == "Dev Patel"
    assert players(Booking(day, 600, 60, 1, "Dev Patel", "Jo Carter", True)) == "Dev Patel v Jo Carter (guest)"
