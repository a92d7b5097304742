"""curdlog: a home cheese-maker's batch log."""

__version__ = "0.9.4"
