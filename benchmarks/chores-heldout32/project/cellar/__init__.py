"""cellar: the book of a home wine cellar."""

__version__ = "0.6.3"
