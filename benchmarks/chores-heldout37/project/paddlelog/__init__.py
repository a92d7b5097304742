"""paddlelog: a kayak and canoe trip log."""

__version__ = "0.6.4"
