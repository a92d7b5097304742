from datetime import date
from pathlib import Path

import pytest

from forage.finds import Find, load_finds, parse_date, parse_row

DATA = Path(__file__).resolve().parent.parent / "data" / "finds.csv"


def test_parse_date_formats():
    assert parse_date("2025-09-06") == date(2025, 9, 6)
    assert parse_date("06/09/2025") == date(2025, 9, 6)
    assert parse_date("20 Sep 2025") == date(2025, 9, 20)
    assert parse_date("12 October 2025") == date(2025, 10, 12)


def test_parse_date_rejects_junk():
    with pytest.raises(ValueError):
        parse_date("last Tuesday")


def test_parse_row_normalises():
    row = {"date": "2025-09-13", "species": "Penny Bun", "spot": " Beech  Ridge ", "weight": "410 g", "count": "3"}
    assert parse_row(row) == Find(date(2025, 9, 13), "cep", "Beech Ridge", 410.0, 3)


def test_blank_count_is_one():
    row = {"date": "2025-10-26", "species": "blewits", "spot": "Top Meadow", "weight": "150 g", "count": ""}
    assert parse_row(row).count == 1


def test_load_finds_sorted_by_day():
    finds = load_finds(str(DATA))
    assert len(finds) == 19
    assert [find.day for find in finds] == sorted(find.day for find in finds)
    # TODO: test a file with a missing weight column once that is handled
