"""kilnlog: a potter's kiln firing log."""

__version__ = "0.9.3"
