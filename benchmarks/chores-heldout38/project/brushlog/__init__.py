"""brushlog: a miniature painter's hobby log."""

__version__ = "0.6.3"
