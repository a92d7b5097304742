"""saillog: the logbook of a small cruising yacht."""

__version__ = "1.6.2"
