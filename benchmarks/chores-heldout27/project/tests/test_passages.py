from datetime import date

import pytest

from saillog.passages import Passage, load_passages, parse_date, parse_distance, parse_duration, parse_rig, parse_row


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-04-18", date(2026, 4, 18)), ("05/04/2026", date(2026, 4, 5)), ("25 Apr 2026", date(2026, 4, 25)),
     ("15 June 2026", date(2026, 6, 15))],
)
def test_parse_date(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(("text", "nm"), [("9.5 nm", 9.5), ("12.1 NM", 12.1), ("17", 17.0), ("23 km", 12.42)])
def test_parse_distance(text, nm):
    assert parse_distance(text) == pytest.approx(nm)


def test_parse_distance_rejects_junk():
    with pytest.raises(ValueError):
        parse_distance("far")


@pytest.mark.parametrize(("text", "hours"), [("3h20", 3 + 1 / 3), ("3:05", 3 + 5 / 60), ("4.5h", 4.5), ("200 min", 200 / 60)])
def test_parse_duration(text, hours):
    assert parse_duration(text) == pytest.approx(hours)


@pytest.mark.parametrize(("text", "rig"), [("Sail ", "sail"), ("under sail", "sail"), ("engine", "motor"), ("MS", "motorsail"), ("", "sail")])
def test_parse_rig(text, rig):
    assert parse_rig(text) == rig


def test_parse_row():
    row = {"date": "2026-05-04", "from": "Yarmouth", "to": "Hamble", "distance": "15.2 nm", "time": "200 min",
           "wind": "F1", "rig": "engine", "notes": " flat calm "}
    assert parse_row(row) == Passage(date(2026, 5, 4), "Yarmouth", "Hamble", 15.2, 200 / 60, 1, "motor", "flat calm")


def test_load_passages_sorts_by_day(tmp_path):
    csv_file = tmp_path / "log.csv"
    csv_file.write_text(
        "date,from,to,distance,time,wind,rig,notes\n"
        "2026-05-02,Hamble,Poole,44.5 nm,9h15,F5,sail,\n"
        "2026-04-04,Hamble,Cowes,9.5 nm,2h40,,,\n",
        encoding="utf-8",
    )
    passages = load_passages(csv_file)
    assert [p.end for p in passages] == ["Cowes", "Poole"]
    assert passages[0].wind_force is None and passages[0].rig == "sail"
