import pytest

from cellar.window import Window, default_window, parse_window, window_status


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("2024-2032", Window(2024, 2032)),
        ("2024–2036", Window(2024, 2036)),
        ("2025 - 2030", Window(2025, 2030)),
        ("2028+", Window(2028, None)),
        ("until 2026", Window(None, 2026)),
        ("By 2027", Window(None, 2027)),
    ],
)
def test_windows_as_the_book_writes_them(text, window):
    assert parse_window(text) == window


def test_a_blank_window_is_none():
    assert parse_window("  ") is None


@pytest.mark.parametrize("text", ["2030-2025", "soon", "2025"])
def test_bad_windows_are_errors(text):
    with pytest.raises(ValueError):
        parse_window(text)


def test_default_windows_by_colour():
    assert default_window("red", 2021) == Window(2024, 2031)
    assert default_window("rosé", 2024) == Window(2024, 2026)


def test_status_through_a_window():
    window = Window(2026, 2030)
    assert [window_status(window, year) for year in range(2025, 2032)] == [
        "wait", "ready", "ready", "ready", "drink soon", "drink soon", "past its best",
    ]


def test_open_windows():
    assert window_status(Window(2028, None), 2040) == "ready"
    assert window_status(Window(None, 2026), 2020) == "ready"
    assert window_status(Window(None, 2026), 2027) == "past its best"


def test_window_text():
    assert [str(Window(2024, 2032)), str(Window(2028, None)), str(Window(None, 2026))] == [
        "2024-2032", "2028+", "until 2026",
    ]
