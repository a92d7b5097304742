"""pianolog: a piano practice log."""

__version__ = "2.4.1"
