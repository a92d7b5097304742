"""How the starter is doing: each feed's ratio, hydration and rating, and whether it is ready to bake."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leaven.feeds import Feed

DOUBLED = 2.0  # the least rise for a healthy feed
VIGOROUS_RISE = 2.5
VIGOROUS_PEAK_H = 5.0  # ... reached within this many hours
SLOW_PEAK_H = 10.0  # a peak later than this is sluggish, however high
READY_STREAK = 3  # TODO: a --streak option on `ready` instead of a constant
GOOD = ("active", "vigorous")


def hydration(feed: Feed) -> int:
    """Water as a percentage of the flour, rounded to a whole percent."""
    return round(feed.water_g / feed.flour_g * 100)


def feed_ratio(feed: Feed) -> str:
    """Starter : flour : water with the starter as 1, e.g. '1:2:2' or '1:2.5:2.5'."""
    parts = (feed.flour_g / feed.starter_g, feed.water_g / feed.starter_g)
    return "1:" + ":".join(f"{round(part, 1):g}" for part in parts)


def rate_feed(feed: Feed) -> str:
    if feed.rise is None:
        return "unknown"
    if feed.rise < DOUBLED or (feed.peak_h is not None and feed.peak_h > SLOW_PEAK_H):
        return "sluggish"
    if feed.rise >= VIGOROUS_RISE and feed.peak_h is not None and feed.peak_h <= VIGOROUS_PEAK_H:
        return "vigorous"
    return "active"


@dataclass(frozen=True)
class Readiness:
    ready: bool
    counted: list[Feed]  # the last READY_STREAK feeds whose rise was noted, oldest first
    good: int  # how many of them were active or vigorous


def readiness(feeds: Iterable[Feed]) -> Readiness:
    """Ready to bake when each of the last READY_STREAK watched feeds was active or vigorous."""
    watched = [feed for feed in sorted(feeds, key=lambda feed: feed.fed) if feed.rise is not None]
    counted = watched[-READY_STREAK:]
    good = sum(rate_feed(feed) in GOOD for feed in counted)
    return Readiness(len(counted) == READY_STREAK and good == READY_STREAK, counted, good)
