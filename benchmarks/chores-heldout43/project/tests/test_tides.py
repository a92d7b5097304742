from datetime import date, time

from moorlog.log import Stay
from moorlog.tides import high_waters, tidal_range_trend, tide_kind


def test_tide_kind():
    assert [tide_kind(h) for h in (4.6, 4.5, 4.4, 3.5, 3.4)] == ["springs", "springs", "mid", "mid", "neaps"]


def test_first_high_water_of_the_day():
    stays = [
        Stay(date(2026, 5, 2), "Kittiwake", "B4", 7.92, 7, time(14, 50), 4.54),
        Stay(date(2026, 5, 2), "Tiddler", "V1", 4.27, 3),
        Stay(date(2026, 5, 1), "Sea Wren", "A3", 8.5, 2, time(14, 5), 4.6),
    ]
    waters = high_waters(stays)
    assert [water.day.day for water in waters] == [1, 2]
    assert waters[1].kind == "springs"
    # TODO: a test for two different high waters logged on the same day
    assert tidal_range_trend(waters) == "steady"
