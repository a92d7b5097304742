"""brinelog: a home pickling and fermentation log."""

__version__ = "0.6.3"
