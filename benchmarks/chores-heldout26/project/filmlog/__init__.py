"""filmlog: a darkroom log of black-and-white film development."""

__version__ = "1.6.3"
