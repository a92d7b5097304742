"""boulderlog: a climbing gym logbook."""

__version__ = "0.8.2"
