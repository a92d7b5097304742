from datetime import date
from pathlib import Path

import pytest
from hivelog.inspections import Inspection, latest_by_hive, load_inspections, parse_bool, parse_row, queenless_streak

DATA = Path(__file__).resolve().parent.parent / "data"


def row(**fields):
    base = {
        "date": "2026-05-02",
        "hive": "Clover",
        "brood_frames": "8",
        "queen_seen": "yes",
        "mites": "7",
        "bees_sampled": "300",
        "temper": "calm",
        "notes": "",
    }
    return {**base, **fields}


def test_parse_row():
    inspection = parse_row(row())
    assert inspection == Inspection(date(2026, 5, 2), "Clover", 8, True, 7, 300, "calm", "")


def test_blank_mites_and_sample():
    inspection = parse_row(row(mites="", bees_sampled=""))
    assert inspection.mites is None
    assert inspection.bees_sampled == 300


@pytest.mark.parametrize(("text", "value"), [("yes", True), ("Y", True), ("no", False), ("", False)])
def test_parse_bool(text, value):
    assert parse_bool(text) is value


def test_bad_temper_and_frames():
    with pytest.raises(ValueError):
        parse_row(row(temper="grumpy"))
    with pytest.raises(ValueError):
        parse_row(row(brood_frames="12"))


def test_load_and_latest():
    inspections = load_inspections(DATA / "inspections.csv")
    assert len(inspections) == 20
    assert inspections == sorted(inspections, key=lambda i: (i.day, i.hive))
    latest = latest_by_hive(inspections)
    assert list(latest) == ["Bramble", "Clover", "Heather", "Linden"]
    assert latest["Clover"].day == date(2026, 6, 9)


def test_queenless_streak():
    inspections = load_inspections(DATA / "inspections.csv")
    assert queenless_streak(inspections, "Heather") == 1
    assert queenless_streak(inspections, "Clover") == 0
