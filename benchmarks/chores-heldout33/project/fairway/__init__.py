"""fairway: a golfer's scorecard log and handicap index."""

__version__ = "1.4.9"
