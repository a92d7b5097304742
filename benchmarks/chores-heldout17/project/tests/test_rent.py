from datetime import date

from allot.rent import format_pounds, months_held, rents


def test_months_held():
    assert months_held(date(2010, 5, 1), 2025) == 12
    assert months_held(date(2025, 11, 3), 2025) == 11


def test_format_pounds():
    assert format_pounds(1234) == "£12.34"
    assert format_pounds(5) == "£0.05"


def test_rents_keep_the_order_and_count_the_months(make_plot):
    plots = [make_plot("B2"), make_plot("A1", since=date(2025, 12, 24))]
    assert [(rent.plot.plot, rent.months) for rent in rents(plots, 2025)] == [("B2", 12), ("A1", 10)]
    # TODO: a test of the minimum rent for a very small plot
