import pytest

from allot.units import SQM_PER_ROD, format_area, parse_size, to_rods


def test_rods_are_converted_to_square_metres():
    assert parse_size("10 rods") == pytest.approx(252.9)


@pytest.mark.parametrize("text", ["1 rod", "1 pole", "1 perch", "1 Perches", "1POLES"])
def test_every_name_of_a_rod(text):
    assert parse_size(text) == pytest.approx(SQM_PER_ROD)


def test_square_metres_are_kept():
    assert parse_size("125 m2") == 125.0
    assert parse_size("40 sqm") == 40.0


@pytest.mark.parametrize("text", ["", "ten rods", "10 acres", "0 rods", "10"])
def test_bad_sizes_raise(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_to_rods_and_format_area():
    assert to_rods(252.9) == 10.0
    assert format_area(126.45) == "126.5 m²"
