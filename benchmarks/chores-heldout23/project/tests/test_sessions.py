from datetime import date

import pytest
from laps.sessions import YARD_M, Session, load_sessions, parse_date, parse_pool, parse_row, parse_stroke


def test_parse_date_iso_and_month_name():
    assert parse_date("2026-03-14") == date(2026, 3, 14)
    assert parse_date(" 16 Mar 2026") == date(2026, 3, 16)


def test_parse_date_rejects_junk():
    with pytest.raises(ValueError):
        parse_date("last tuesday")


def test_parse_pool_metres():
    assert parse_pool("25m") == 25
    assert parse_pool("50 M") == 50
    assert parse_pool("33.3") == pytest.approx(33.3)


def test_parse_pool_yards():
    assert parse_pool("25 yd") == pytest.approx(25 * YARD_M)
    assert parse_pool("25 Yards") == pytest.approx(22.86)


def test_parse_pool_rejects_nonsense():
    for bad in ("", "olympic", "0m", "-25m"):
        with pytest.raises(ValueError):
            parse_pool(bad)


def test_parse_stroke_spellings():
    assert parse_stroke("Front Crawl") == "freestyle"
    assert parse_stroke(" BR ") == "breaststroke"
    assert parse_stroke("IM") == "medley"
    with pytest.raises(ValueError):
        parse_stroke("doggy paddle")


def test_parse_row():
    row = {"date": "2026-03-10", "pool": "25m", "lengths": "24", "time": "15:20", "stroke": "fly", "note": " drills"}
    assert parse_row(row) == Session(date(2026, 3, 10), 25.0, 24, 920, "butterfly", "drills")


def test_distance_in_metres():
    assert Session(date(2026, 3, 13), parse_pool("25 yards"), 60, 2170, "freestyle").distance_m == pytest.approx(1371.6)


def test_load_sessions_sorts_by_day(tmp_path):
    log = tmp_path / "swims.csv"
    log.write_text(
        "date,pool,lengths,time,stroke,note\n2026-03-05,50m,20,22:30,back,\n2026-03-02,25m,64,33:55,free,\n",
        encoding="utf-8",
    )
    assert [s.day.day for s in load_sessions(log)] == [2, 5]
