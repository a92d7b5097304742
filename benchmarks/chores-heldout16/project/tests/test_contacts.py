from datetime import date, time
from pathlib import Path

import pytest
from qsolog.contacts import parse_row, parse_time, read_contacts

DATA = Path(__file__).resolve().parent.parent / "data"
ROW = {"date": "2026-05-02", "time": "0705", "call": "dl1abc", "freq": "7.012", "mode": "cw",
       "rst_sent": "599", "rst_rcvd": "579"}


def test_parse_time():
    assert parse_time("0745") == parse_time("745") == parse_time("07:45") == time(7, 45)
    assert parse_time("2359") == time(23, 59)
    assert parse_time(" 1200 ") == time(12)


def test_parse_time_rejects():
    for text in ("2460", "12345", "ab12", ""):
        with pytest.raises(ValueError):
            parse_time(text)


def test_parse_row_upper_cases_call_and_mode():
    contact = parse_row(ROW)
    assert contact.call == "DL1ABC" and contact.mode == "CW"
    assert contact.day == date(2026, 5, 2) and contact.freq_mhz == 7.012
    assert (contact.rst_sent, contact.rst_rcvd) == ("599", "579")


def test_parse_row_unknown_mode():
    with pytest.raises(ValueError, match="unknown mode"):
        parse_row({**ROW, "mode": "SSTV"})


def test_parse_row_missing_column():
    with pytest.raises(ValueError, match="missing call"):
        parse_row({**ROW, "call": " "})


def test_read_contacts_sorted_oldest_first():
    contacts = read_contacts(DATA / "log.csv")
    assert len(contacts) == 24
    assert contacts == sorted(contacts, key=lambda c: (c.day, c.time_utc))
    assert contacts[0].call == "DL1ABC"


def test_read_contacts_names_the_bad_line(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("date,time,call,freq,mode\n2026-05-02,0705,DL1ABC,7.012,CW\n2026-05-02,0706,F5XYZ,7.018,HELL\n")
    with pytest.raises(ValueError, match="line 3"):
        read_contacts(log)
