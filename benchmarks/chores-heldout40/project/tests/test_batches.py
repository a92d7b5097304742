from datetime import date

import pytest

from curdlog.batches import load_batches, parse_date, parse_row, parse_style


@pytest.mark.parametrize(
    "text", ["2025-09-06", "06/09/2025", "6 Sep 2025", "6 Sept 2025", "6 September 2025", "2025/09/06"]
)
def test_parse_date(text):
    assert parse_date(text) == date(2025, 9, 6)


def test_parse_date_rejects_junk():
    with pytest.raises(ValueError):
        parse_date("last tuesday")


# TODO: a test for a day like "Sept 3rd 2025" once parse_date takes ordinals


@pytest.mark.parametrize(
    ("text", "style"),
    [("CHEDDAR", "Cheddar"), ("chedder", "Cheddar"), ("fetta", "Feta"), ("red-leicester", "Red Leicester"), ("tomme", "Tomme")],
)
def test_parse_style(text, style):
    assert parse_style(text) == style


def test_parse_row_leaves_an_unopened_wheel_blank():
    row = {"batch": "B30", "made": "1 Mar 2026", "style": "gouda", "milk": "10 L", "rennet": "2.5 ml",
           "make_weight": "1.1 kg", "aged": "", "aged_weight": "", "notes": ""}
    batch = parse_row(row)
    assert (batch.made, batch.style, batch.milk_l, batch.make_g) == (date(2026, 3, 1), "Gouda", 10.0, 1100.0)
    assert batch.aged_days is None and batch.aged_g is None and not batch.opened


def test_load_batches_sorts_by_day(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "batch,made,style,milk,rennet,make_weight,aged,aged_weight,notes\n"
        "B2,2026-02-01,feta,4 L,0.4 ml,600 g,7d,580 g,\n"
        "B1,15/01/2026,Colby,2 gal,1/2 tsp,880 g,,,\n",
        encoding="utf-8",
    )
    batches = load_batches(log)
    assert [batch.batch for batch in batches] == ["B1", "B2"]
    assert batches[1].aged_days == 7 and batches[1].opened
