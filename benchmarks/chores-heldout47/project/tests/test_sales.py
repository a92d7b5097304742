from datetime import date
from pathlib import Path

from pourlog.batches import Batch
from pourlog.sales import Sale, best_fair, fair_totals, format_money, load_sales, sell_status, sell_through, tidy_fair

DATA = Path(__file__).resolve().parent.parent / "data"


def sale(day, fair, code, qty, price_p):
    return Sale(date(2026, 3, day), fair, code, qty, price_p)


def test_tidy_fair():
    assert tidy_fair(" ludlow  spring FAIR ") == "Ludlow Spring Fair"


def test_fair_totals_by_day_and_fair():
    sales = [sale(28, "Ludlow Spring Fair", "C-001", 2, 1200), sale(28, "Ludlow Spring Fair", "C-003", 10, 150)]
    sales.append(sale(29, "Ludlow Spring Fair", "C-001", 1, 1200))
    totals = fair_totals(sales)
    assert [(t.day.day, t.units, t.takings_p) for t in totals] == [(28, 12, 3900), (29, 1, 1200)]
    assert best_fair(totals) is totals[0]
    assert best_fair([]) is None


def test_sell_through():
    batches = [Batch("C-001", date(2026, 3, 2), "container", "Lavender", 900, 72, None, 4)]
    rows = sell_through(batches, [sale(28, "Fair", "C-001", 2, 1200), sale(28, "Fair", "S-001", 5, 500)])
    assert rows == [(batches[0], 2, 0.5, "selling")]


def test_sell_status():
    assert [sell_status(rate) for rate in (1.0, 0.5, 0.49, 0.0)] == ["sold out", "selling", "slow", "slow"]


def test_format_money():
    assert format_money(14450) == "£144.50"
    assert format_money(5) == "£0.05"


def test_the_sales_file_loads():
    sales = load_sales(DATA / "sales.csv")
    assert len(sales) == 18
    assert len(fair_totals(sales)) == 5
