"""A table item's time-of-day filter (agent/clock_filters.py) and the table gate's two checks that
came with it (agent/tables.py ``clock_problem``, ``part_problem``) — issue 12, heldout25
evening-table: "the evening readings (taken after noon)"; Qwen2.5-Coder-1.5B's `where` was a date
range, and once code stated the filter its "Reading" column showed 134 for the reading `134/85`
and was ticked WRONG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentrunner.agent.clock_filters import clock_filter, minutes
from agentrunner.agent.journal import FileChange
from agentrunner.agent.tables import table_problem

READINGS = (
    "date,time,bp,pulse\n2026-02-02,07:15,128/82,64\n2026-02-02,21:40,134/85,70\n03/02/2026,7:20,150 / 85,72\n"
    "5 Feb 2026,,126-80,-\n2026-02-06,9pm,131 over 84,61 bpm\n2026-02-07,12:00,127/81,66\n"
)
ITEM = "docs/evening.md: the evening readings (taken after noon) from data/readings.csv: date, reading, pulse"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("07:15", 435), ("7:20", 440), ("21:40", 1300), ("9pm", 1260), ("7 p.m.", 1140), ("12am", 0), ("9h30", 570),
     ("19:05:00", 1145), ("", None), ("-", None), ("7", None), ("2026-02-02", None), ("25:00", None), ("13pm", None)],
)  # fmt: skip
def test_a_clock_time_is_read_as_minutes_after_midnight(value: str, expected: int | None) -> None:
    assert minutes(value) == expected


def records() -> list[dict[str, str]]:
    lines = READINGS.splitlines()
    return [dict(zip(lines[0].split(","), line.split(","), strict=True)) for line in lines[1:]]


@pytest.mark.parametrize(
    ("words", "kept"),
    [
        ("taken after noon", ["21:40", "9pm"]),  # 12:00 is not after noon; no time is on neither side
        ("from 12:00", ["21:40", "9pm", "12:00"]),
        ("logged before 9am", ["07:15", "7:20"]),
    ],
)
def test_the_filter_keeps_the_records_on_its_side_and_none_without_a_time(words: str, kept: list[str]) -> None:
    found = clock_filter(records(), f"the readings {words} as a table")
    assert found is not None and found.field == "time"
    assert [record["time"] for record in records() if found.keeps(record)] == kept
    assert [r["time"] for r in records() if eval(found.where, {"re": re, "row": r})] == kept


@pytest.mark.parametrize(
    "text",
    ["the readings taken after noon or before 9am", "the readings of 2026", "every reading after the first"],
)
def test_no_time_or_two_of_them_is_no_clock_filter(text: str) -> None:
    assert clock_filter(records(), text) is None


def gate(tmp_path: Path, page: str) -> str | None:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "readings.csv").write_text(READINGS, "utf-8")
    return table_problem([FileChange("docs/evening.md", None, page.encode())], ITEM, tmp_path)


def test_the_evening_table_in_any_layout_passes(tmp_path: Path) -> None:
    whole = "| date | reading | pulse |\n|---|---|---|\n| 2026-02-02 | 134/85 | 70 |\n| 6 Feb 2026 | 131/84 | 61 |\n"
    parts = (
        "| Date | Systolic | Diastolic | Pulse |\n|---|---|---|---|\n| 2026-02-02 | 134 | 85 | 70 |\n"
        "| 2026-02-06 | 131 | 84 | 61 |\n"
    )
    assert gate(tmp_path, whole) is None
    assert gate(tmp_path, parts) is None


def test_a_morning_reading_or_one_left_out_is_refused(tmp_path: Path) -> None:
    morning = "| date | reading | pulse |\n|---|---|---|\n| 2026-02-02 | 128/82 | 64 |\n| 2026-02-02 | 134/85 | 70 |\n"
    morning += "| 2026-02-06 | 131 over 84 | 61 |\n"
    assert "whose time is 07:15" in (gate(tmp_path, morning) or "")
    one = "| date | reading | pulse |\n|---|---|---|\n| 2026-02-02 | 134/85 | 70 |\n"
    assert "1 rows for the 2 records" in (gate(tmp_path, one) or "")


def test_a_column_showing_one_number_of_the_reading_is_refused(tmp_path: Path) -> None:
    top = "| Date | Reading | Pulse |\n|---|---|---|\n| 2026-02-02 | 134 | 70 |\n| 2026-02-06 | 131 | 61 |\n"
    assert "'reading' column shows 134 where data/readings.csv has bp 134/85" in (gate(tmp_path, top) or "")
