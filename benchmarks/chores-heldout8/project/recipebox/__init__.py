"""recipebox: a home cook's recipe box."""

__version__ = "0.6.2"
