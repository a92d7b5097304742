"""Flour: how much of each kind the starter eats, week by week, and how long a bag of it lasts."""

from collections import defaultdict
from datetime import timedelta

# What one bag of each flour holds, in grams.
BAG_G = {"rye": 1000, "white": 1500, "wholewheat": 1000, "spelt": 1000}
RECENT_DAYS = 14  # the rate of use is taken over this many days up to the last feed


def week_start(moment):
    """The Monday of the week of a feed."""
    day = moment.date()
    return day - timedelta(days=day.weekday())


def flour_by_week(feeds):
    """Grams of each flour fed per week: {Monday: {kind: grams}}, weeks in order."""
    totals = defaultdict(lambda: defaultdict(float))
    for feed in feeds:
        totals[week_start(feed.fed)][feed.flour] += feed.flour_g
    return {week: dict(kinds) for week, kinds in sorted(totals.items())}


def daily_use(feeds, kind, days=RECENT_DAYS):
    """Grams of one flour used per day over the last `days` days of the log, to 0.1 g."""
    feeds = list(feeds)
    if not feeds:
        return 0.0
    end = max(feed.fed for feed in feeds)
    recent = (feed for feed in feeds if feed.fed > end - timedelta(days=days))
    used = sum(week.get(kind, 0.0) for week in flour_by_week(recent).values())
    return round(used / days, 1)


def days_left(bag_g, per_day):
    """Whole days a bag lasts at a rate of use; None when the flour is not being used."""
    if per_day <= 0:
        return None
    return int(bag_g // per_day)


def bags_left(feeds, bags=None):
    """For each flour, the days a full bag lasts at the recent rate (BAG_G unless `bags` is given)."""
    # TODO: take the bags actually in the cupboard instead of one full bag of each
    bags = BAG_G if bags is None else bags
    feeds = list(feeds)
    return {kind: days_left(grams, daily_use(feeds, kind)) for kind, grams in sorted(bags.items())}
