from datetime import date
from pathlib import Path

import pytest

from stringlog.log import LogError, current_sets, load_changes

DATA = Path(__file__).resolve().parent.parent / "data" / "changes.csv"


def test_load_changes_reads_the_sample_log():
    changes = load_changes(DATA)
    assert len(changes) == 14
    assert [change.day for change in changes] == sorted(change.day for change in changes)
    assert {change.guitar for change in changes} == {"telecaster", "stratocaster", "acoustic"}


def test_current_sets_are_the_latest_changes():
    latest = current_sets(load_changes(DATA))
    assert latest["telecaster"].day == date(2026, 3, 1)
    assert latest["acoustic"].coated


def test_a_bad_row_names_its_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("date,guitar,strings,gauge\n2026-01-01,tele,x,10-46\nsoon,tele,x,10-46\n", encoding="utf-8")
    with pytest.raises(LogError, match=":3:"):
        load_changes(path)
