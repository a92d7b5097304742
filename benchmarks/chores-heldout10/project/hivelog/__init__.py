"""hivelog: a beekeeper's hive log."""

__version__ = "1.3.2"
