from datetime import date

import pytest

from courtbook.bookings import (
    Booking,
    clean_name,
    load_bookings,
    parse_court,
    parse_day,
    parse_guest,
    parse_row,
    parse_start,
)

HEADER = "date,start,length,court,member,opponent,guest,score\n"


@pytest.mark.parametrize("text", ["2026-03-04", "04/03/2026", "4 Mar 2026", "4 March 2026", " 4  mar 2026 "])
def test_parse_day_reads_every_way_the_desk_writes_a_date(text):
    assert parse_day(text) == date(2026, 3, 4)


def test_parse_day_reads_slashes_day_first():
    assert parse_day("02/04/2026") == date(2026, 4, 2)


def test_parse_day_refuses_junk():
    with pytest.raises(ValueError):
        parse_day("next Tuesday")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("18:00", 1080), ("18.30", 1110), ("0930", 570), ("6pm", 1080), ("6.30pm", 1110), ("9:30am", 570), ("12pm", 720)],
)
def test_parse_start(text, minutes):
    assert parse_start(text) == minutes


@pytest.mark.parametrize("text", ["7", "25:00", "13pm", "half six", ""])
def test_parse_start_refuses_what_it_cannot_place(text):
    with pytest.raises(ValueError):
        parse_start(text)


@pytest.mark.parametrize("text", ["3", "Court 3", "court  3", "COURT 3", "ct3", "Ct. 3", "C3", "c 3", " 3 "])
def test_parse_court(text):
    assert parse_court(text) == 3


@pytest.mark.parametrize("text", ["7", "Court 0", "centre court"])
def test_parse_court_refuses_courts_the_club_does_not_have(text):
    with pytest.raises(ValueError):
        parse_court(text)


def test_clean_name():
    assert clean_name("  anne-marie   LOWE ") == "Anne-Marie Lowe"
    assert clean_name("Sam  Whitfield") == "Sam Whitfield"


def test_parse_guest():
    assert [parse_guest(text) for text in ("y", "Yes", "Y", "1", "", "no", "N")] == [True] * 4 + [False] * 3
    with pytest.raises(ValueError):
        parse_guest("maybe")


def test_parse_row_tidies_every_field():
    row = {
        "date": "17 Mar 2026", "start": "5.30pm", "length": "1h", "court": "Ct. 4",
        "member": "priya shah", "opponent": "jo  carter", "guest": "y", "score": " 6-4   6-2 ",
    }
    assert parse_row(row) == Booking(date(2026, 3, 17), 1050, 60, 4, "Priya Shah", "Jo Carter", True, "6-4 6-2")


def test_a_guest_needs_a_name():
    row = {"date": "2026-03-17", "start": "18:00", "length": "1h", "court": "2", "member": "Tom Okafor", "guest": "y"}
    with pytest.raises(ValueError, match="guest"):
        parse_row(row)


def test_load_bookings_sorts_by_time(tmp_path):
    sheet = tmp_path / "bookings.csv"
    sheet.write_text(HEADER + "2026-03-05,18:00,1h,2,Tom Okafor,,,\n2026-03-05,10am,1h,1,Dev Patel,,,\n", "utf-8")
    assert [booking.member for booking in load_bookings(sheet)] == ["Dev Patel", "Tom Okafor"]


def test_load_bookings_names_the_line_of_a_bad_row(tmp_path):
    sheet = tmp_path / "bookings.csv"
    sheet.write_text(HEADER + "2026-03-05,18:00,1h,2,Tom Okafor,,,\n2026-03-06,6pm,1h,court 9,Dev Patel,,,\n", "utf-8")
    with pytest.raises(ValueError, match="line 3"):
        load_bookings(sheet)
