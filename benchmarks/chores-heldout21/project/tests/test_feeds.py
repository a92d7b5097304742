from datetime import datetime
from pathlib import Path

import pytest
from leaven.feeds import load_feeds, parse_flour, parse_grams, parse_peak, parse_when

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds.csv"


def test_parse_when_24_hour_and_iso_t():
    assert parse_when("2026-03-02 07:30") == datetime(2026, 3, 2, 7, 30)
    assert parse_when(" 2026-03-05T19:50 ") == datetime(2026, 3, 5, 19, 50)


def test_parse_when_evening_with_pm():
    assert parse_when("2026-03-02 7:45pm") == datetime(2026, 3, 2, 19, 45)
    assert parse_when("2026-03-08 9:00AM") == datetime(2026, 3, 8, 9, 0)


def test_parse_when_refuses_junk():
    with pytest.raises(ValueError):
        parse_when("tuesday morning")


def test_parse_grams():
    assert parse_grams("100") == 100
    assert parse_grams("0.1 kg") == 100
    assert parse_grams("100 ML") == 100
    with pytest.raises(ValueError):
        parse_grams("a splash")


@pytest.mark.parametrize(
    ("text", "hours"),
    [("4h30", 4.5), ("4.5h", 4.5), ("5:15", 5.25), ("270 min", 4.5), ("6h", 6.0), ("", None)],
)
def test_parse_peak(text, hours):
    assert parse_peak(text) == hours


def test_parse_flour_aliases_and_case():
    assert parse_flour("RYE") == "rye"
    assert parse_flour("Whole  Wheat") == "wholewheat"
    assert parse_flour("ww") == "wholewheat"
    with pytest.raises(ValueError):
        parse_flour("teff")


def test_load_feeds_reads_the_whole_log_oldest_first():
    feeds = load_feeds(DATA)
    assert len(feeds) == 24
    assert feeds == sorted(feeds, key=lambda feed: feed.fed)
    assert feeds[1].water_g == 100 and feeds[1].flour == "rye"
    assert feeds[4].rise == 2.5
