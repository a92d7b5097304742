"""allot: the register of a community allotment site — plots, rents and cultivation inspections."""

__version__ = "0.3.2"
