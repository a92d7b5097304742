"""clubrides: the ride log of a cycling club."""

__version__ = "1.2.0"
