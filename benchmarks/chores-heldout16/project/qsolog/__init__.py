"""qsolog: an amateur radio station's contact (QSO) log."""

__version__ = "0.6.0"
