from datetime import date
from pathlib import Path

import pytest

from pianolog.sessions import Session, load_sessions, parse_date, parse_kind, parse_row, parse_tempo, since

DATA = Path(__file__).resolve().parent.parent / "data" / "sessions.csv"


def test_parse_date_forms():
    assert parse_date("2026-03-02") == date(2026, 3, 2)
    assert parse_date("12/03/2026") == date(2026, 3, 12)
    assert parse_date(" 14 March 2026 ") == date(2026, 3, 14)


def test_parse_date_rejects_junk():
    with pytest.raises(ValueError):
        parse_date("yesterday")


def test_parse_tempo_forms():
    assert parse_tempo("92") == 92
    assert parse_tempo("104 bpm") == 104
    assert parse_tempo("q=80") == 80
    assert parse_tempo("♩ = 104") == 104
    assert parse_tempo("") is None


def test_parse_tempo_out_of_range():
    with pytest.raises(ValueError):
        parse_tempo("400")


def test_parse_kind_spellings():
    assert parse_kind("SCALES") == "scales"
    assert parse_kind("Rep") == "repertoire"
    assert parse_kind("sight  reading") == "sight-reading"
    assert parse_kind("S/R") == "sight-reading"
    with pytest.raises(ValueError):
        parse_kind("banjo")


def test_parse_row():
    row = {"date": "5 Mar 2026", "minutes": "20", "kind": "SR", "piece": " Hymn book ", "tempo": "", "notes": ""}
    assert parse_row(row) == Session(date(2026, 3, 5), 20, "sight-reading", "Hymn book", None)


def test_load_sessions_reads_the_whole_log_oldest_first():
    sessions = load_sessions(DATA)
    assert len(sessions) == 24
    assert [s.day for s in sessions] == sorted(s.day for s in sessions)
    assert sessions[3] == Session(date(2026, 3, 4), 65, "repertoire", "Chopin Nocturne Op 9 No 2", None)


def test_since():
    sessions = load_sessions(DATA)
    assert [s.day.isoformat() for s in since(sessions, date(2026, 3, 23))] == ["2026-03-23", "2026-03-24"]
