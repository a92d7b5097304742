from datetime import date
from pathlib import Path

import pytest

from pourlog.batches import Batch, load_batches, parse_batch, tidy_scent

DATA = Path(__file__).resolve().parent.parent / "data"


def row(**fields):
    base = {
        "batch": "C-001",
        "made": "2026-03-02",
        "product": "container candle",
        "scent": "Lavender",
        "base": "900g",
        "fragrance": "8%",
        "cure": "2 weeks",
        "units": "6",
        "notes": "",
    }
    base.update(fields)
    return base


def test_parse_batch_reads_every_field():
    batch = parse_batch(row())
    assert batch == Batch("C-001", date(2026, 3, 2), "container", "Lavender", 900.0, pytest.approx(72.0), 14, 6)
    assert batch.family == "candle"


def test_a_blank_cure_is_left_to_the_product():
    assert parse_batch(row(cure="")).cure_days is None


def test_soap_is_soap():
    assert parse_batch(row(batch="S 3", product="M&P")).family == "soap"


def test_a_blank_scent_is_unscented():
    assert parse_batch(row(scent="  ", fragrance="")).scent == "Unscented"


def test_tidy_scent():
    assert tidy_scent(" sea  SALT ") == "Sea Salt"
    assert tidy_scent("fig & cassis") == "Fig & Cassis"


@pytest.mark.parametrize(("field", "value"), [("base", "0g"), ("units", "0"), ("made", "yesterday")])
def test_bad_fields_are_errors(field, value):
    with pytest.raises(ValueError):
        parse_batch(row(**{field: value}))


def test_load_batches_sorts_by_day_made_and_names_the_bad_line(tmp_path):
    book = tmp_path / "batches.csv"
    header = "batch,made,product,scent,base,fragrance,cure,units,notes\n"
    book.write_text(header + "C-2,2026-03-05,pillar,Rose,500g,,,4,\nS-1,2026-03-01,CP,Mint,1kg,30g,4w,10,\n")
    assert [batch.code for batch in load_batches(book)] == ["S-001", "C-002"]
    book.write_text(header + "C-2,2026-03-05,pillar,Rose,500g,,,4,\nS-1,2026-03-01,lotion,Mint,1kg,,,10,\n")
    with pytest.raises(ValueError, match="line 3"):
        load_batches(book)


def test_the_batch_book_loads():
    batches = load_batches(DATA / "batches.csv")
    assert len(batches) == 18
    assert batches[0].code == "C-001" and batches[0].base_g == 900
    assert {batch.family for batch in batches} == {"candle", "soap"}
