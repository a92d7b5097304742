"""laps: a swimmer's pool log on the command line."""

__version__ = "0.7.4"
