from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from timesheet.entries import EntryError, load_entries, parse_billable, parse_entry


def test_parse_entry_reads_a_row() -> None:
    row = {"date": "2026-11-02", "person": "ana", "project": "ACME-web ", "task": "x", "hours": "6.5", "billable": "no"}
    entry = parse_entry(row, 7)
    assert (entry.day, entry.project, entry.hours, entry.billable) == (date(2026, 11, 2), "acme-web", 6.5, False)
    assert parse_billable("") and parse_billable(None) and parse_billable(" Yes ")
    assert not parse_billable("n")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"date": "2026-11-02", "person": "ana", "project": "", "hours": ""}, "line 9: missing project, hours"),
        ({"date": "02/11/2026", "person": "ana", "project": "p", "hours": "1"}, "line 9: bad date '02/11/2026'"),
        ({"date": "2026-11-02", "person": "a", "project": "p", "hours": "1", "billable": "maybe"}, "line 9: billable"),
    ],
)
def test_parse_entry_names_the_line_of_a_bad_row(row: dict[str, str], message: str) -> None:
    with pytest.raises(EntryError, match="^" + message):
        parse_entry(row, 9)


def test_load_entries_skips_blank_and_zero_hour_rows(export_csv: Path) -> None:
    entries = load_entries(export_csv)
    assert len(entries) == 18
    assert all(entry.hours > 0 for entry in entries)
    assert len(load_entries(export_csv, keep_zero=True)) == 19


def test_load_entries_refuses_an_export_without_hours(tmp_path: Path) -> None:
    export = tmp_path / "old.csv"
    export.write_text("date,person,project,duration\n2026-11-02,ana,p,1\n", encoding="utf-8")
    with pytest.raises(EntryError, match="missing column"):
        load_entries(export)
