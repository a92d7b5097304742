"""stringlog: a guitar string-change log."""

__version__ = "0.8.3"
