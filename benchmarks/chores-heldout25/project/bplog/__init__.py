"""bplog: a home blood-pressure diary."""

__version__ = "1.3.2"
