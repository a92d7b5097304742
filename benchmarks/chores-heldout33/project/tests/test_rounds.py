from datetime import date
from pathlib import Path

import pytest

from fairway.rounds import Round, load_rounds, parse_date, parse_row, parse_tees

DATA = Path(__file__).resolve().parent.parent / "data"


def row(**fields):
    base = {"date": "2026-04-08", "course": "Hollins Park", "tees": "white", "holes": "18", "score": "83",
            "putts": "30", "notes": ""}  # fmt: skip
    base.update(fields)
    return base


def test_parse_date_iso_and_day_first():
    assert parse_date("2026-04-01") == date(2026, 4, 1)
    assert parse_date(" 14/04/2026 ") == date(2026, 4, 14)
    assert parse_date("9/5/2026") == date(2026, 5, 9)


@pytest.mark.parametrize(("text", "colour"), [("white", "white"), ("W", "white"), ("wht", "white"),
                                              ("Yel", "yellow"), ("YELLOW ", "yellow"), ("r", "red")])  # fmt: skip
def test_parse_tees(text, colour):
    assert parse_tees(text) == colour


def test_unknown_tees_are_an_error():
    with pytest.raises(ValueError):
        parse_tees("blue")


def test_parse_row_takes_the_numbers_of_the_course_and_tees(courses):
    played = parse_row(row(course="hollins pk", tees="Y"), courses)
    assert played == Round(date(2026, 4, 8), "Hollins Park", "yellow", 83, 18, 68.9, 124, 71, 30, "")


def test_blank_holes_is_a_full_round_and_blank_putts_none(courses):
    played = parse_row(row(holes="", putts="-"), courses)
    assert (played.holes, played.putts) == (18, None)


def test_load_rounds_reads_the_whole_log_oldest_first(courses):
    rounds = load_rounds(DATA / "rounds.csv", courses)
    assert len(rounds) == 26
    assert [played.day for played in rounds] == sorted(played.day for played in rounds)
    assert sum(1 for played in rounds if not played.finished) == 2
