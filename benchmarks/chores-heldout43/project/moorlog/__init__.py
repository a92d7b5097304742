"""moorlog: the harbour master's small-boat mooring and tide log."""

__version__ = "0.6.3"
