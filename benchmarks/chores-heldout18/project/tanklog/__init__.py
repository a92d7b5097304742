"""tanklog: an aquarium keeper's water test log."""

__version__ = "1.4.2"
