"""obslog: an amateur astronomer's observing log."""

__version__ = "0.4.9"
