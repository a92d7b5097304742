"""fleetlog: fuel economy, running costs and service reminders for a small fleet."""

__version__ = "1.3.0"
