from datetime import date
from pathlib import Path

import pytest

from roastlog.roasts import load_roasts, matching, parse_clock

DATA = Path(__file__).resolve().parent.parent / "data" / "roasts.csv"


def test_parse_clock_reads_minutes_and_seconds():
    assert parse_clock("8:45") == 525
    assert parse_clock(" 12:05 ") == 725


@pytest.mark.parametrize("text", ["845", "8:5", "8:60", "a:10", ""])
def test_parse_clock_refuses_bad_times(text):
    with pytest.raises(ValueError):
        parse_clock(text)


def test_load_roasts_reads_every_batch():
    roasts = load_roasts(DATA)
    assert len(roasts) == 13
    first = roasts[0]
    assert (first.batch, first.date, first.bean) == ("R001", date(2026, 2, 14), "Ethiopia Guji")
    assert (first.green_g, first.roasted_g, first.first_crack_s, first.drop_s) == (250.0, 212.0, 525, 650)


def test_a_blank_first_crack_is_none():
    by_batch = {roast.batch: roast for roast in load_roasts(DATA)}
    assert by_batch["R003"].first_crack_s is None
    assert by_batch["R003"].green_g == 453.6


def test_load_roasts_names_missing_columns(tmp_path):
    path = tmp_path / "roasts.csv"
    path.write_text("batch,date,bean\nR1,2026-01-01,X\n", encoding="utf-8")
    with pytest.raises(ValueError, match="green"):
        load_roasts(path)


def test_matching_ignores_case():
    roasts = load_roasts(DATA)
    assert [roast.batch for roast in matching(roasts, "GUJI")] == ["R001", "R004", "R007", "R010"]
    assert len(matching(roasts, None)) == 13
