from datetime import date

import pytest

from henhouse.eggs import Egg, load_eggs, parse_row


def row(**fields):
    base = {"date": "2026-03-10", "hen": "Dot", "weight": "55g", "shell": "", "notes": ""}
    base.update(fields)
    return base


def test_parse_row_reads_every_field():
    egg = parse_row(row(hen="dotty", shell="soft", notes=" grit "))
    assert egg == Egg(date(2026, 3, 10), "Dot", 55.0, "soft", "grit")


def test_parse_row_converts_ounces():
    assert parse_row(row(weight="2 oz")).weight_g == pytest.approx(56.699)


def test_an_unknown_hen_is_an_error():  # TODO: say which line of the log the stranger is on
    with pytest.raises(ValueError, match="no hen called"):
        parse_row(row(hen="Henrietta"))


def test_load_eggs_sorts_by_day(tmp_path):
    log = tmp_path / "eggs.csv"
    log.write_text(
        "date,hen,weight,shell,notes\n"
        "12/03/2026,Pep,60g,,\n"
        "2026-03-10,Clem,70 g,DY,big one\n",
        encoding="utf-8",
    )
    eggs = load_eggs(log)
    assert [(egg.day.day, egg.hen) for egg in eggs] == [(10, "Clementine"), (12, "Pepper")]
    assert eggs[0].shell == "double yolk" and eggs[0].note == "big one"
