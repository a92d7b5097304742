"""forage: a mushroom forager's log of finds, by species, spot and month."""

__version__ = "0.6.2"
