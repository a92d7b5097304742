from datetime import date, time
from pathlib import Path

import pytest
from birdlog.sightings import parse_flags, parse_row, parse_time, read_sightings

HEADER = "date,time,site,species,count,notes,flags\n"


def row(**values: str) -> dict[str, str]:
    base = {"date": "2026-03-21", "time": "07:05", "site": "Riverside path", "species": "KING", "count": "2"}
    return {**base, **values}


def test_parse_row_reads_every_column() -> None:
    sighting = parse_row(row(notes=" pair ", flags="B;p"))
    assert sighting.day == date(2026, 3, 21)
    assert sighting.time_of_day == time(7, 5)
    assert (sighting.site, sighting.code, sighting.count) == ("Riverside path", "KING", 2)
    assert sighting.notes == "pair"
    assert sighting.flags == frozenset({"B", "P"})


def test_an_uncounted_sighting_is_still_one_bird() -> None:
    sighting = parse_row(row(count="X"))
    assert sighting.count is None
    assert sighting.individuals == 1


def test_a_row_without_a_site_is_refused() -> None:
    with pytest.raises(ValueError, match="site"):
        parse_row(row(site="  "))


def test_blank_time_is_none_and_bad_time_raises() -> None:
    assert parse_time("") is None
    with pytest.raises(ValueError):
        parse_time("7pm")


def test_unknown_flags_are_refused() -> None:
    assert parse_flags("") == frozenset()
    with pytest.raises(ValueError, match="Z"):
        parse_flags("H;Z")


def test_read_sightings_sorts_by_date_then_time(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        HEADER + "2026-01-10,11:30,Pond,ROBI,1,,\n2026-01-10,,Pond,WREN,1,,\n2026-01-03,08:00,Pond,BLAC,2,,\n",
        encoding="utf-8",
    )
    assert [s.code for s in read_sightings(path)] == ["BLAC", "WREN", "ROBI"]


def test_read_sightings_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "2026-01-10,11:30,Pond,ROBI,1,,\n2026-01-11,09:00,Pond,ROBI,0,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"log\.csv:3"):
        read_sightings(path)


def test_the_real_log_reads() -> None:
    sightings = read_sightings(Path(__file__).parent.parent / "data" / "sightings.csv")
    assert len(sightings) == 35
    assert sightings[0].day == date(2025, 12, 6)
