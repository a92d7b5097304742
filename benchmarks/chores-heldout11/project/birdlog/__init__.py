"""birdlog: a birdwatcher's sightings log."""

__version__ = "1.4.2"
