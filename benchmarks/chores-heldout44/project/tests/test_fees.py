from datetime import date

import pytest

from courtbook.fees import (
    GUEST_FEE,
    booking_fee,
    court_hire,
    floodlight_charge,
    is_peak,
    lit_minutes,
    monthly_bills,
    parse_month,
)

SATURDAY = date(2026, 3, 14)
APRIL = date(2026, 4, 15)  # a Wednesday; the lights go on at 19:30


def test_weekday_evenings_and_weekends_are_peak(booking):
    assert not is_peak(booking(start=16 * 60 + 59))
    assert is_peak(booking(start=17 * 60))
    assert is_peak(booking(day=SATURDAY, start=9 * 60))


def test_court_hire_by_the_hour(booking):
    assert court_hire(booking(minutes=60)) == 400
    assert court_hire(booking(minutes=90)) == 600
    assert court_hire(booking(minutes=45, start=18 * 60)) == 450
    assert court_hire(booking(day=SATURDAY, minutes=120)) == 1200


def test_no_lights_in_daylight(booking):
    assert lit_minutes(booking(start=14 * 60, minutes=120)) == 0
    assert floodlight_charge(booking(day=APRIL, start=18 * 60, minutes=90)) == 0


def test_a_booking_under_the_lights_pays_for_each_half_hour(booking):
    assert lit_minutes(booking(start=19 * 60, minutes=60)) == 60
    assert floodlight_charge(booking(start=19 * 60, minutes=60)) == 350
    assert floodlight_charge(booking(day=APRIL, start=20 * 60, minutes=75)) == 525


def test_a_started_half_hour_is_charged_in_full(booking):
    assert floodlight_charge(booking(start=19 * 60, minutes=45)) == 350
    # TODO: a December booking once the winter lights-on times are confirmed


def test_booking_fee_adds_the_guest_fee(booking):
    alone = booking(start=19 * 60, opponent="Jo Carter")
    with_guest = booking(start=19 * 60, opponent="Jo Carter", guest=True)
    assert booking_fee(alone) == 600 + 350
    assert booking_fee(with_guest) == 600 + 350 + GUEST_FEE


def test_monthly_bills(booking):
    bookings = [
        booking(member="Tom Okafor", start=19 * 60),
        booking(member="Dev Patel", day=SATURDAY, minutes=90, opponent="Ray Dunn", guest=True),
        booking(member="Tom Okafor", day=APRIL),
    ]
    bills = monthly_bills(bookings, (2026, 3))
    assert [bill.member for bill in bills] == ["Dev Patel", "Tom Okafor"]
    dev, tom = bills
    assert (dev.bookings, dev.minutes, dev.hire, dev.lights, dev.guests, dev.total) == (1, 90, 900, 0, 500, 1400)
    assert (tom.bookings, tom.hire, tom.lights, tom.total) == (1, 600, 350, 950)
    assert sum(bill.bookings for bill in monthly_bills(bookings)) == 3


@pytest.mark.parametrize(("text", "month"), [("2026-03", (2026, 3)), ("2026-3", (2026, 3)), ("2025-12", (2025, 12))])
def test_parse_month(text, month):
    assert parse_month(text) == month


def test_parse_month_refuses_a_month_13():
    with pytest.raises(ValueError):
        parse_month("2026-13")
