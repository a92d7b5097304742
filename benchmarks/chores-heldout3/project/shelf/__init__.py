"""shelf: loans, overdue books and late fees for a small lending library."""

__version__ = "0.3.1"
