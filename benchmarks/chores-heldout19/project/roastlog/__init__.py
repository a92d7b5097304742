"""roastlog: a home coffee roaster's batch log (weight loss, roast level, development, resting)."""

__version__ = "1.3.1"
