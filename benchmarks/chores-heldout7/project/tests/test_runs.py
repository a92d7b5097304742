from datetime import date

import pytest

from runlog.runs import Run, load_runs, parse_row


def row(**fields):
    base = {"date": "2026-03-10", "distance_km": "8.0", "duration": "40:00", "kind": "easy", "heart_rate": "141"}
    base.update(fields)
    return base


def test_parse_row_reads_every_field():
    run = parse_row(row())
    assert run == Run(date(2026, 3, 10), 8.0, 2400, "easy", 141)


def test_blank_heart_rate_is_none():
    assert parse_row(row(heart_rate="")).heart_rate is None


def test_blank_kind_is_an_easy_run():
    assert parse_row(row(kind=" ")).kind == "easy"


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown kind"):
        parse_row(row(kind="jog"))


def test_pace_is_seconds_per_km():
    assert Run(date(2026, 3, 10), 8.0, 2400).pace == 300.0


def test_load_runs_sorts_by_date(tmp_path):
    csv_file = tmp_path / "runs.csv"
    csv_file.write_text(
        "date,distance_km,duration,kind,heart_rate\n"
        "2026-03-12,5.0,25:00,easy,\n"
        "2026-03-10,10.0,50:00,tempo,160\n",
        encoding="utf-8",
    )
    runs = load_runs(csv_file)
    assert [run.day.day for run in runs] == [10, 12]
    assert runs[1].heart_rate is None
