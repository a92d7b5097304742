"""creel: a coarse angler's catch log."""

__version__ = "0.11.4"
