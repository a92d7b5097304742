"""fuelbook: a car's fuel log on the command line."""

__version__ = "2.3.1"
