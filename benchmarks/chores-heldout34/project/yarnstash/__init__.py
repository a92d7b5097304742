"""yarnstash: a knitter's yarn stash."""

__version__ = "0.6.1"
