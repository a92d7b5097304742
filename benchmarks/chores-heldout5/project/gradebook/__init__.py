"""Course gradebook: weighted averages and letter grades from a CSV of scores."""

__version__ = "0.4.2"
