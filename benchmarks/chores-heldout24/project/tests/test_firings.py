from datetime import date
from pathlib import Path

import pytest

from kilnlog.firings import Firing, load_firings, parse_kind, parse_row, parse_temperature

DATA = Path(__file__).resolve().parent.parent / "data"


def row(**fields):
    base = {
        "date": "2026-03-28",
        "kind": "glaze",
        "cone": "cone 6",
        "peak": "1251C",
        "time": "11h10",
        "pieces": "18",
        "lost": "0",
        "notes": "",
    }
    base.update(fields)
    return base


@pytest.mark.parametrize(
    ("text", "kind"),
    [("bisque", "bisque"), ("Biscuit", "bisque"), ("bisc", "bisque"), ("glost", "glaze"),
     ("GLAZE ", "glaze"), ("glaze  firing", "glaze"), ("Raku", "raku"), ("lustre", "luster")],
)
def test_parse_kind_reads_the_log_spellings(text, kind):
    assert parse_kind(text) == kind


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown kind"):
        parse_kind("pit fire")


def test_parse_temperature():
    assert parse_temperature("1238 C") == 1238.0
    assert parse_temperature("1010°C") == 1010.0
    assert parse_temperature("2262F") == pytest.approx(1238.89, abs=0.01)


def test_parse_row_reads_every_field():
    firing = parse_row(row(notes=" pinholes "))
    assert firing == Firing(date(2026, 3, 28), "glaze", "6", 1251.0, 670, 18, 0, "pinholes")
    assert firing.whole == 18


def test_blank_lost_is_none_lost():
    assert parse_row(row(lost="")).lost == 0


def test_more_lost_than_pieces_is_an_error():
    with pytest.raises(ValueError, match="lost"):
        parse_row(row(pieces="4", lost="5"))


def test_load_firings_sorts_by_date(tmp_path):
    log = tmp_path / "firings.csv"
    log.write_text(
        "date,kind,cone,peak,time,pieces,lost,notes\n"
        "2026-03-14,Biscuit,cone 5,1205C,9h50,25,1,\n"
        "2026-03-11,Glaze,^6,1199C,10h30,17,4,matte\n",
        encoding="utf-8",
    )
    firings = load_firings(log)
    assert [firing.day.day for firing in firings] == [11, 14]
    assert firings[1].kind == "bisque"


def test_the_whole_log_reads():
    firings = load_firings(DATA / "firings.csv")
    assert len(firings) == 21
    assert {firing.kind for firing in firings} == {"bisque", "glaze", "raku"}
