"""runlog: a runner's training log."""

__version__ = "0.4.1"
