"""leaven: a sourdough starter's feeding log."""

__version__ = "0.9.3"
