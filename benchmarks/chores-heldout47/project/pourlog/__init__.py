"""pourlog: a candle and soap maker's batch book."""

__version__ = "0.5.2"
