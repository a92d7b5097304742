"""henhouse: the egg log of a small backyard flock."""

__version__ = "0.6.3"
