from datetime import date

import pytest

from brushlog.sessions import Session, load_sessions, parse_date, parse_row, parse_status, project_name


@pytest.mark.parametrize(
    "text", ["2026-03-05", "05/03/2026", "5/3/2026", "5 Mar 2026", "5 March 2026", "March 5, 2026", " 5 mar 2026 "]
)
def test_parse_date_formats(text):
    assert parse_date(text) == date(2026, 3, 5)


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01", "31/02/2026", "5 Mrch 2026"])
def test_parse_date_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_parse_status_spellings():
    assert parse_status("Base coat") == "basecoated"
    assert parse_status("done") == "finished"
    assert parse_status("on  hold") == "shelved"
    with pytest.raises(ValueError):
        parse_status("nearly there")


def test_project_name_ignores_case_and_spacing():
    assert project_name(" goblin  ARCHERS ") == "Goblin archers"


def test_parse_row_reads_every_field():
    row = {
        "date": "8 Feb 2026",
        "project": "Knight Commander",
        "models": "1",
        "brand": "VMC",
        "paint": "flat red",
        "time": "80 min",
        "coats": "3 coats",
        "status": "layering",
    }
    assert parse_row(row) == Session(date(2026, 2, 8), "Knight commander", 1, "Vallejo", "Flat Red", 80, 3, "layered")


def test_load_sessions_sorts_by_date(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "date,project,models,brand,paint,time,coats,status\n"
        "2026-03-12,Dragon,1,GW,Ivory,1h,,primed\n"
        "10/03/2026,Dragon,1,GW,Ivory,45m,2,basecoat\n",
        encoding="utf-8",
    )
    sessions = load_sessions(log)
    assert [s.day.day for s in sessions] == [10, 12]
    assert [s.minutes for s in sessions] == [45, 60]
    assert sessions[1].coats == 0
