from datetime import date, time

from obslog.nights import group_nights, mean_rating, night_of, night_score, verdict
from obslog.records import parse_row

from tests.test_records import row


def test_after_midnight_belongs_to_the_evening_before():
    assert night_of(date(2026, 2, 15), time(0, 20)) == date(2026, 2, 14)
    assert night_of(date(2026, 2, 14), time(21, 30)) == date(2026, 2, 14)
    assert night_of(date(2026, 2, 14), None) == date(2026, 2, 14)


def test_mean_rating_skips_the_blanks():
    assert mean_rating([2, None, 3, 3]) == 2.7
    assert mean_rating([None]) is None


def test_night_score_and_verdict():
    assert night_score(2, 5) == 9
    assert verdict(night_score(2, 5)) == "superb"
    assert verdict(7.0) == "good"
    assert verdict(4.9) == "poor"
    assert verdict(night_score(None, 4)) == "unrated"


def test_group_nights_one_night_per_evening():
    observations = [
        parse_row(row(date="2026-02-14", time="19:30", target="M44")),
        parse_row(row(date="2026-02-14", time="21:00", target="M42", seeing="I")),
        parse_row(row(date="2026-02-14", time="22:15", target="M44")),
        parse_row(row(date="2026-02-20", time="21:00", target="M44", transp="2")),
    ]
    nights = group_nights(observations)
    assert [night.night for night in nights] == [date(2026, 2, 14), date(2026, 2, 20)]
    assert nights[0].targets == ["M44", "M42"]
    assert nights[0].seeing == 1.7
    assert nights[1].score == 6.0
