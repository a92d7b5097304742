from datetime import date

import pytest
from boulderlog.climbs import Climb, load_climbs, parse_date, parse_row


def row(**fields):
    base = {
        "date": "2026-03-20",
        "problem": "Red Traverse",
        "wall": "Cave",
        "grade": "6A",
        "style": "flash",
        "attempts": "1",
    }
    base.update(fields)
    return base


def test_parse_row_reads_every_field():
    assert parse_row(row()) == Climb(date(2026, 3, 20), "Red Traverse", "Cave", 3, "flash", 1)


def test_style_in_any_case_and_redpoint_is_a_send():
    assert parse_row(row(style="FLASH")).style == "flash"
    assert parse_row(row(style="Redpoint", attempts="4")).style == "send"


def test_blank_attempts_is_one():
    assert parse_row(row(attempts="")).attempts == 1


def test_a_flash_takes_one_attempt():
    with pytest.raises(ValueError, match="flash"):
        parse_row(row(attempts="2"))


def test_parse_date_iso():
    assert parse_date(" 2026-03-20 ") == date(2026, 3, 20)


def test_load_climbs_sorts_by_day(tmp_path):
    csv_file = tmp_path / "climbs.csv"
    csv_file.write_text(
        "date,problem,wall,grade,style,attempts\n"
        "2026-03-12,Blue Arete,Slab,V3,send,2\n"
        "2026-03-10,Pink Crimps,Slab,V2,attempt,3\n",
        encoding="utf-8",
    )
    climbs = load_climbs(csv_file)
    assert [climb.day.day for climb in climbs] == [10, 12]
    assert not climbs[0].topped
