from datetime import date

import pytest

from henhouse.parsing import parse_date, parse_shell


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-02", date(2026, 3, 2)),
        ("03/03/2026", date(2026, 3, 3)),
        ("4/3/2026", date(2026, 3, 4)),
        ("5 Mar 2026", date(2026, 3, 5)),
        ("6 March 2026", date(2026, 3, 6)),
        (" 14/3/2026 ", date(2026, 3, 14)),
    ],
)
def test_parse_date_reads_the_log_formats(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["", "yesterday", "31/02/2026", "5 Mrz 2026", "2026/03/02"])
def test_parse_date_refuses_junk(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "shell"),
    [("", "ok"), ("ok", "ok"), ("Soft shell", "soft"), ("cracked", "cracked"), ("DY", "double yolk")],
)
def test_parse_shell(text, shell):
    assert parse_shell(text) == shell


def test_parse_shell_refuses_an_unknown_word():
    with pytest.raises(ValueError, match="unknown shell"):
        parse_shell("green")
