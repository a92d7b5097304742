"""gamenight: the board-game club's game-night log."""

__version__ = "0.9.3"
