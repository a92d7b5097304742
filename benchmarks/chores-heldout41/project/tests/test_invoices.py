from datetime import date

from walkies.invoices import invoices_for_week, totals_by_owner, week_start, weekly_invoices
from walkies.walks import Walk


def walk(day, owner="Okafor", dog="Biscuit", minutes=60):
    return Walk(day, dog, owner, minutes, 4.0, "group")


def test_week_starts_on_monday():
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)
    assert week_start(date(2026, 3, 9)) == date(2026, 3, 9)


def test_one_invoice_per_owner_per_week():
    walks = [walk(date(2026, 3, 2)), walk(date(2026, 3, 8)), walk(date(2026, 3, 9)), walk(date(2026, 3, 3), "Hughes")]
    invoices = weekly_invoices(walks)
    assert [(inv.owner, inv.week, len(inv.lines)) for inv in invoices] == [
        ("Hughes", date(2026, 3, 2), 1),
        ("Okafor", date(2026, 3, 2), 2),
        ("Okafor", date(2026, 3, 9), 1),
    ]


def test_loyalty_discount_from_five_walks():
    four = [walk(date(2026, 3, d)) for d in range(2, 6)]
    assert weekly_invoices(four)[0].discount == 0
    five = [*four, walk(date(2026, 3, 6), dog="Juno")]
    invoice = weekly_invoices(five)[0]
    assert (invoice.subtotal, invoice.discount, invoice.total) == (6500, 650, 5850)


def test_invoices_for_week_and_totals():
    walks = [walk(date(2026, 3, 2)), walk(date(2026, 3, 10)), walk(date(2026, 3, 11), "Hughes", "Bramble", 90)]
    invoices = invoices_for_week(walks, date(2026, 3, 12))
    assert totals_by_owner(invoices) == {"Hughes": 1800, "Okafor": 1300}
    # TODO: a test for a week that runs over new year
