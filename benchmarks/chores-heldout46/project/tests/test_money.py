import pytest
from spokes.money import Part, format_money, parse_parts


@pytest.mark.parametrize(("pence", "text"), [(725, "£7.25"), (0, "£0.00"), (1200, "£12.00"), (-240, "-£2.40")])
def test_format_money(pence, text):
    assert format_money(pence) == text


def test_parse_parts_reads_each_part_and_its_price():
    assert parse_parts("inner tube £4.50; valve cap 75p") == (Part("inner tube", 450), Part("valve cap", 75))


def test_parse_parts_keeps_the_name_as_written():
    assert parse_parts("  LED  light £7.50 ;wire free") == (Part("LED light", 750), Part("wire", 0))


def test_parse_parts_blank_is_no_parts():
    assert parse_parts("") == ()
    assert parse_parts(" ; ") == ()


def test_a_part_without_a_price_is_an_error():
    with pytest.raises(ValueError, match="price"):
        parse_parts("inner tube")
