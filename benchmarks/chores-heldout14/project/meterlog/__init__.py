"""meterlog: a home electricity meter log (readings, usage, Economy 7 bills, solar export)."""

__version__ = "0.7.2"
