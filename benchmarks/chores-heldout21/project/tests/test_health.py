from leaven.health import feed_ratio, hydration, rate_feed, readiness

from tests.helpers import feed


def test_hydration_and_ratio():
    stiff = feed(starter_g=40, flour_g=100, water_g=75)
    assert hydration(stiff) == 75
    assert feed_ratio(stiff) == "1:2.5:1.9"
    assert feed_ratio(feed()) == "1:2:2"


def test_rate_feed_vigorous_and_active():
    assert rate_feed(feed(rise=2.8, peak_h=4.25)) == "vigorous"
    assert rate_feed(feed(rise=2.8, peak_h=6.0)) == "active"
    assert rate_feed(feed(rise=2.0, peak_h=8.0)) == "active"


def test_rate_feed_sluggish():
    assert rate_feed(feed(rise=1.8, peak_h=4.0)) == "sluggish"
    assert rate_feed(feed(rise=3.0, peak_h=11.0)) == "sluggish"


def test_rate_feed_without_a_rise():
    assert rate_feed(feed(rise=None, peak_h=None)) == "unknown"


def test_ready_after_three_good_feeds():
    feeds = [feed(f"2026-03-0{day} 07:30", rise=2.4, peak_h=6.0) for day in range(1, 4)]
    verdict = readiness(feeds)
    assert verdict.ready and verdict.good == 3


def test_not_ready_with_a_sluggish_one_and_unwatched_feeds_skipped():
    feeds = [
        feed("2026-03-01 07:30", rise=1.5),
        feed("2026-03-02 07:30", rise=2.5),
        feed("2026-03-03 07:30", rise=None, peak_h=None),
        feed("2026-03-04 07:30", rise=2.2),
    ]
    verdict = readiness(feeds)
    assert not verdict.ready
    assert verdict.good == 2
    assert [f.fed.day for f in verdict.counted] == [1, 2, 4]
