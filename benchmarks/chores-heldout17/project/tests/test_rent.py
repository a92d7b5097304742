from datetime import date

from allot.rent import format_pounds, months_held, rents


def test_months_held():
    assert months_held(date(2010, 5, 1), 2025) == 12
    assert months_held(date(2025, 11, 3), 2025) == 11


def test_format_pounds():
    assert format_pounds(1234) == "£12.34"
    assert format_pounds(5) == "£0.05"


def test_rents_leave_out_plots_taken_after_the_year(make_plot):
    plots = [make_plot("A1"), make_plot("A2", since=date(2027, 1, 1))]
    assert [rent.plot.plot for rent in rents(plots, 2025)] == ["A1"]
