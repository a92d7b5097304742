"""brewlog: a homebrewer's batch log."""

__version__ = "0.7.2"
