from datetime import date

from leaven.pantry import bags_left, daily_use, days_left, flour_by_week

from tests.helpers import feed


def test_flour_by_week_starts_on_monday():
    feeds = [feed("2026-03-01 19:00"), feed("2026-03-02 07:30", flour="white"), feed("2026-03-08 07:30")]
    assert flour_by_week(feeds) == {
        date(2026, 2, 23): {"rye": 100.0},
        date(2026, 3, 2): {"white": 100.0, "rye": 100.0},
    }


def test_daily_use_over_the_recent_days():
    feeds = [feed("2026-02-01 07:30"), feed("2026-03-10 07:30"), feed("2026-03-14 07:30", flour_g=180)]
    assert daily_use(feeds, "rye") == 20.0
    assert daily_use(feeds, "spelt") == 0.0
    assert daily_use([], "rye") == 0.0


def test_days_left():
    assert days_left(1000, 64.3) == 15
    assert days_left(1000, 0.0) is None


def test_bags_left():
    feeds = [feed("2026-03-14 07:30", flour_g=140)]
    assert bags_left(feeds, {"rye": 500, "spelt": 1000}) == {"rye": 50, "spelt": None}
