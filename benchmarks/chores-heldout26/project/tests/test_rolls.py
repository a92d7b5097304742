from datetime import date

import pytest

from filmlog.rolls import Roll, load_rolls, parse_date, parse_row


def row(**fields):
    base = {"date": "2026-03-14", "film": "HP5+", "ei": "800", "developer": "D-76 1+1", "dev_time": "16:30",
            "temp": "20C", "notes": ""}
    return {**base, **fields}


@pytest.mark.parametrize("text", ["2026-03-14", "14/03/2026", "14 Mar 2026", " 14  March 2026 "])
def test_parse_date(text):
    assert parse_date(text) == date(2026, 3, 14)


def test_parse_row():
    assert parse_row(row()) == Roll(date(2026, 3, 14), "HP5 Plus", 800, "D-76 1+1", 990, 20.0)


def test_a_blank_ei_is_the_box_speed():
    roll = parse_row(row(film="FP4+", ei=""))
    assert roll.ei == 125 and roll.stops == 0


def test_ei_with_words_around_it():
    assert parse_row(row(ei="1600 push")).stops == 2
    assert parse_row(row(ei="EI 200")).stops == -1


def test_load_rolls_sorts_by_day(tmp_path):
    # TODO: a log saved by Excel starts with a BOM; test that it still loads
    log = tmp_path / "rolls.csv"
    log.write_text(
        "date,film,ei,developer,dev_time,temp,notes\n"
        "2026-03-21,Tri-X,400,HC-110 B,6:00,20,\n"
        "14 Mar 2026,hp5,,D-76 1+1,13:00,20 °C,\"cold, windy\"\n",
        encoding="utf-8",
    )
    rolls = load_rolls(log)
    assert [roll.day.day for roll in rolls] == [14, 21]
    assert rolls[0].notes == "cold, windy"
