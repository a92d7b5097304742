from datetime import date

import pytest

from waterlog.readings import Reading, load_readings, normalise_meter, parse_date, parse_row


@pytest.mark.parametrize(
    "text", ["2026-03-09", "09/03/2026", "9/3/2026", "09.03.2026", "9 Mar 2026", "9 March 2026", " 9  March 2026 "]
)
def test_parse_date_reads_every_format_of_the_log(text):
    assert parse_date(text) == date(2026, 3, 9)


@pytest.mark.parametrize("text", ["", "2026-02-30", "March 9", "yesterday"])
def test_parse_date_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("name", "meter"),
    [("main", "main"), ("MAIN METER", "main"), ("Mains", "main"), ("Garden Tap", "garden"),
     ("rain  barrel", "barrel"), (" Water Butt ", "barrel")],
)
def test_normalise_meter(name, meter):
    assert normalise_meter(name) == meter


def test_an_unknown_meter_is_an_error():
    with pytest.raises(ValueError, match="unknown meter"):
        normalise_meter("pond pump")


def test_parse_row_reads_every_field():
    row = {"date": "14/03/2026", "meter": "GARDEN", "volume": "60 L", "note": " hose "}
    assert parse_row(row) == Reading(date(2026, 3, 14), "garden", 60.0, "hose")


def test_load_readings_sorts_by_day(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "date,meter,volume,note\n2026-03-12,main,276 L,\n10.03.2026,Rain Barrel,0.05 m3,\n2026-03-10,main,289l,\n",
        encoding="utf-8",
    )
    readings = load_readings(log)
    assert [(r.day.day, r.meter) for r in readings] == [(10, "barrel"), (10, "main"), (12, "main")]
    assert readings[0].litres == pytest.approx(50.0)
