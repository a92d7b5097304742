"""hits: a small analyser for web server access logs (common log format)."""

__version__ = "0.4.2"
