"""waterlog: a household water-meter and rain-barrel log."""

__version__ = "2.1.4"
