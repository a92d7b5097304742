from datetime import date

from allot.inspection import count_by_status, findings, is_overdue, site_average, status_for, worst_first


def test_status_thresholds():
    assert [status_for(p) for p in (100, 75, 74, 50, 49, 0)] == ["ok", "ok", "warning", "warning", "notice", "notice"]


def test_overdue_after_90_days(make_plot):
    plot = make_plot(inspected=date(2026, 3, 1))
    assert not is_overdue(plot, date(2026, 5, 30))
    assert is_overdue(plot, date(2026, 5, 31))


def test_worst_first_breaks_ties_in_plot_order(make_plot):
    plots = [make_plot("A10", cultivated=60), make_plot("B1", cultivated=40), make_plot("A2", cultivated=60)]
    assert [plot.plot for plot in worst_first(plots)] == ["B1", "A2", "A10"]
    assert [plot.plot for plot in worst_first(plots, limit=1)] == ["B1"]


def test_findings_and_counts(make_plot):
    plots = [make_plot("A1", cultivated=90), make_plot("A2", cultivated=70), make_plot("A3", cultivated=20),
             make_plot("A4", cultivated=95, inspected=date(2025, 1, 1))]
    found = findings(plots, date(2026, 6, 20))
    assert [(f.plot.plot, f.status, f.overdue) for f in found] == [
        ("A3", "notice", False), ("A2", "warning", False), ("A4", "ok", True)]
    assert count_by_status(plots) == {"ok": 2, "warning": 1, "notice": 1}


def test_site_average(make_plot):
    plots = [make_plot("A1", cultivated=90), make_plot("A2", cultivated=71), make_plot("B1", cultivated=10)]
    assert site_average(plots, "A") == 80.5
    assert site_average(plots, "C") is None
