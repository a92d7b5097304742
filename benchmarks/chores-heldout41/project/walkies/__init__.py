"""walkies: the business log of a one-person dog-walking round."""

__version__ = "2.1.9"
