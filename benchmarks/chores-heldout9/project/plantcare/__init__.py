"""plantcare: which house plants need water, when, and how much."""

__version__ = "0.3.2"
