from pathlib import Path

import pytest

from allot.plots import load_plots, parse_row, plot_key

DATA = Path(__file__).resolve().parent.parent / "data" / "plots.csv"
ROW = {
    "plot": "b7", "holder": "Hannah Okafor", "size": "10 rods", "since": "2025-11-03",
    "concession": "no", "cultivated": "75", "inspected": "2026-06-14",
}


def test_parse_row():
    plot = parse_row(ROW)
    assert plot.plot == "B7" and plot.site == "B"
    assert plot.area_m2 == pytest.approx(252.9)
    assert plot.concession is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("cultivated", "101"), ("concession", "maybe"), ("holder", " "), ("plot", "7B"), ("inspected", "2025-01-01")],
)
def test_bad_rows_raise(field, value):
    with pytest.raises(ValueError):
        parse_row({**ROW, field: value})


def test_plot_key_sorts_numbers_as_numbers():
    assert sorted(["A10", "B1", "A2"], key=plot_key) == ["A2", "A10", "B1"]


def test_load_plots_in_plot_order():
    plots = load_plots(DATA)
    assert len(plots) == 13
    assert [plot.plot for plot in plots[:5]] == ["A1", "A2", "A3", "A4", "A10"]


def test_a_plot_listed_twice_is_an_error(tmp_path):
    lines = DATA.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="twice"):
        load_plots(path)
