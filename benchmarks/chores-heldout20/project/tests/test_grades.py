from boulderlog.grades import FONT_TO_V, format_grade


def test_font_conversion_never_goes_down():
    grades = list(FONT_TO_V.values())
    assert grades == sorted(grades)


def test_format_grade():
    assert format_grade(4) == "V4"
    assert format_grade(-1) == "VB"
    assert format_grade(None) == "-"
