"""spokes: the job log of a community bike-repair workshop."""

__version__ = "0.4.2"
