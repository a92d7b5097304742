"""seedbox: a home seed library — the packets in the tin, how well they will come up, what to swap."""

__version__ = "1.2.9"
