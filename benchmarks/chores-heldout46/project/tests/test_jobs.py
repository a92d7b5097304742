from datetime import date

import pytest
from spokes.jobs import load_jobs, normalise_name, parse_date, parse_labour, parse_row, parse_yes_no
from spokes.money import Part


def row(**fields):
    base = {
        "job": "412",
        "booked_in": "2026-04-18",
        "bike": "Carrera  Subway",
        "work": "gears",
        "parts": "gear cable £3",
        "labour": "1h 15m",
        "mechanic": "Priya  S",
        "concession": "",
        "donation": "£12",
        "collected": "25/04/2026",
    }
    return base | fields


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-04-07", date(2026, 4, 7)),
        ("07/04/2026", date(2026, 4, 7)),
        ("3/4/2026", date(2026, 4, 3)),
        ("3 Apr 2026", date(2026, 4, 3)),
        ("21 march 2026", date(2026, 3, 21)),
    ],
)
def test_parse_date(text, day):
    assert parse_date(text) == day


def test_parse_date_refuses_rubbish():
    with pytest.raises(ValueError):
        parse_date("last Saturday")


def test_parse_labour_a_few_forms():
    assert parse_labour("40 min") == 40
    assert parse_labour("1h15") == 75
    assert parse_labour("1:45") == 105  # TODO: cover "1.5 hrs" and the blank field here too


def test_normalise_name():
    assert normalise_name(" priya  s. ") == "Priya S"
    assert normalise_name("DAVE ") == "Dave"


def test_parse_yes_no():
    assert [parse_yes_no(text) for text in ("Y", "yes", "", "n")] == [True, True, False, False]
    with pytest.raises(ValueError):
        parse_yes_no("maybe")


def test_parse_row():
    job = parse_row(row())
    assert (job.number, job.booked_in, job.bike, job.mechanic) == (412, date(2026, 4, 18), "Carrera Subway", "Priya S")
    assert job.parts == (Part("gear cable", 300),)
    assert (job.labour_minutes, job.donation, job.collected) == (75, 1200, date(2026, 4, 25))
    assert not job.waiting


def test_parse_row_a_bike_still_in_the_workshop():
    job = parse_row(row(donation="", collected=""))
    assert job.waiting and job.donation == 0


def test_load_jobs_reads_the_whole_log_in_booking_order():
    jobs = load_jobs("data/jobs.csv")
    assert len(jobs) == 21
    assert [job.booked_in for job in jobs] == sorted(job.booked_in for job in jobs)
    assert {job.mechanic for job in jobs} == {"Dave", "Kaz", "Mo", "Priya S"}
