"""Observing nights: what was seen from one evening to the next morning, and how good the sky was."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from statistics import fmean

# A night runs from noon to noon: anything logged before noon belongs to the evening before.
NOON = time(12, 0)
# The lowest score of each verdict, best first; below the last one a night is "poor".
VERDICTS = ((8.5, "superb"), (7.0, "good"), (5.0, "fair"))


def night_of(day, clock):
    """The date of the evening whose night an observation made on day at clock belongs to."""
    if clock is not None and clock < NOON:
        return day - timedelta(days=1)
    return day


def mean_rating(ratings):
    """The mean of the ratings that were noted, to one decimal; None when none was."""
    noted = [rating for rating in ratings if rating is not None]
    if not noted:
        return None
    return round(fmean(noted), 1)


def night_score(seeing, transparency):
    """Seeing (Antoniadi, 1 best) and transparency (5 best) as one score from 2 to 10."""
    if seeing is None or transparency is None:
        return None
    return round((6 - seeing) + transparency, 1)


def verdict(score):
    if score is None:
        return "unrated"
    for floor, word in VERDICTS:
        if score >= floor:
            return word
    return "poor"


@dataclass
class Night:
    night: date
    site: str
    observations: list = field(default_factory=list)

    @property
    def targets(self):
        """Each target seen that night once, in the order it was first seen."""
        return list(dict.fromkeys(obs.target for obs in self.observations))

    @property
    def seeing(self):
        return mean_rating(obs.seeing for obs in self.observations)

    @property
    def transparency(self):
        return mean_rating(obs.transparency for obs in self.observations)

    @property
    def score(self):
        return night_score(self.seeing, self.transparency)


def group_nights(observations):
    """One Night for each night with observations, oldest first."""
    by_night = defaultdict(list)
    for obs in observations:
        by_night[night_of(obs.day, obs.clock)].append(obs)
    # TODO: split a night in two when the site changes halfway through
    return [Night(night, by_night[night][0].site, by_night[night]) for night in sorted(by_night)]
