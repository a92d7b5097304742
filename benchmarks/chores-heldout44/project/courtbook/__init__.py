"""courtbook: court bookings, fees and the singles ladder of a tennis club."""

__version__ = "1.4.2"
