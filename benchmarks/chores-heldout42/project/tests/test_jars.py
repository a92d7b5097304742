from datetime import date
from pathlib import Path

import pytest

from brinelog.jars import Jar, load_jars, parse_date, parse_jar_id, parse_row, parse_status, parse_vegetable

DATA = Path(__file__).resolve().parent.parent / "data"


def test_jar_ids():
    assert [parse_jar_id(t) for t in ("J01", "j2", "#3", "Jar 4")] == ["J01", "J02", "J03", "J04"]


def test_dates():
    assert parse_date("2026-03-01") == date(2026, 3, 1)
    assert parse_date("15/02/2026") == date(2026, 2, 15)
    assert parse_date("1 Mar 2026") == date(2026, 3, 1)
    assert parse_date("March 25 2026") == date(2026, 3, 25)


def test_vegetables_any_spelling():
    assert parse_vegetable("CUKES") == "cucumber"
    assert parse_vegetable("Kraut") == "cabbage"
    assert parse_vegetable("Jalapeños") == "jalapeno"
    with pytest.raises(ValueError):
        parse_vegetable("okra")


def test_statuses():
    assert parse_status("Mouldy") == "spoiled"
    assert parse_status("OPEN") == "opened"
    assert parse_status("") == "fermenting"


def test_row_and_ready_day():
    row = {"jar": "#3", "started": "2026-02-20", "vegetable": "cukes", "brine": "3.5%", "duration": "10d",
           "status": "spoiled", "notes": " slimy "}
    jar = parse_row(row)
    assert jar == Jar("J03", date(2026, 2, 20), "cucumber", 3.5, 10, "spoiled", "slimy")
    assert jar.ready == date(2026, 3, 2)


def test_load_jars_reads_the_whole_log():
    jars = load_jars(DATA / "jars.csv")
    assert len(jars) == 17
    assert jars[0].jar == "J01"
    assert sum(1 for jar in jars if jar.vegetable == "cucumber") == 6
