from datetime import date

import pytest

from cellar.bottles import Lot, load_cellar, parse_colour, parse_day, parse_price, parse_row, parse_vintage
from cellar.window import Window


def row(**fields):
    base = {
        "bought": "2025-03-15",
        "producer": "Dr. Loosen",
        "wine": "Riesling Spätlese",
        "region": "Mosel",
        "colour": "white",
        "vintage": "2020",
        "size": "75cl",
        "qty": "4",
        "price": "£24.50",
        "window": "2025-2040",
    }
    base.update(fields)
    return base


def test_parse_row_reads_every_field():
    lot = parse_row(row())
    assert lot == Lot(
        date(2025, 3, 15), "Dr. Loosen", "Riesling Spätlese", "Mosel", "white", 2020, 750, 4, 2450, Window(2025, 2040)
    )


@pytest.mark.parametrize(
    ("text", "colour"),
    [("Red", "red"), ("rouge", "red"), ("tinto", "red"), ("blanc ", "white"), ("Rosé", "rosé"), ("rosado", "rosé"),
     ("fizz", "sparkling"), ("Champagne", "sparkling")],
)
def test_colours_as_the_book_spells_them(text, colour):
    assert parse_colour(text) == colour


def test_an_unknown_colour_is_an_error():
    with pytest.raises(ValueError, match="colour"):
        parse_colour("orange")


@pytest.mark.parametrize(("text", "pence"), [("£18.50", 1850), ("12.5", 1250), ("£ 42", 4200), ("£260.00", 26000)])
def test_prices_are_whole_pence(text, pence):
    assert parse_price(text) == pence


def test_a_price_that_is_no_number_is_an_error():
    with pytest.raises(ValueError, match="price"):
        parse_price("about a tenner")


def test_non_vintage():
    assert parse_vintage("NV") is None
    assert parse_vintage("n/v") is None
    assert parse_vintage(" 2019") == 2019


def test_days_iso_or_day_first():
    assert parse_day("2025-11-29") == date(2025, 11, 29)
    assert parse_day("03/01/2026") == date(2026, 1, 3)


def test_a_blank_window_is_none_and_the_colour_decides():
    lot = parse_row(row(window="", colour="red", vintage="2021"))
    assert lot.window is None
    assert lot.drinking_window == Window(2024, 2031)


def test_a_non_vintage_wine_counts_from_the_year_bought():
    lot = parse_row(row(window="", colour="Champagne", vintage="NV", bought="2024-11-30"))
    assert lot.drinking_window == Window(2025, 2029)
    assert lot.label == "Dr. Loosen, Riesling Spätlese NV"


def test_load_cellar_keeps_the_order_of_the_file(tmp_path):
    book = tmp_path / "cellar.csv"
    book.write_text(
        "bought,producer,wine,region,colour,vintage,size,qty,price,window\n"
        "2025-01-11,Château Cantemerle,Haut-Médoc,Bordeaux,red,2018,75cl,6,£32.50,2026-2038\n"
        "2024-03-09,Bodegas Muga,Reserva,Rioja,Red,2019,magnum,2,£42.00,\n",
        encoding="utf-8",
    )
    lots = load_cellar(book)
    assert [lot.producer for lot in lots] == ["Château Cantemerle", "Bodegas Muga"]
    assert lots[1].window is None
