"""The amateur bands (IARU Region 1 edges, in MHz) and which of them are open to contests."""

from __future__ import annotations

# TODO: Region 2 edges as an option (80m runs up to 4.0 MHz there, 40m to 7.3)
BANDS: tuple[tuple[str, float, float], ...] = (
    ("160m", 1.810, 2.000),
    ("80m", 3.500, 3.800),
    ("60m", 5.3515, 5.3665),
    ("40m", 7.000, 7.200),
    ("30m", 10.100, 10.150),
    ("20m", 14.000, 14.350),
    ("17m", 18.068, 18.168),
    ("15m", 21.000, 21.450),
    ("12m", 24.890, 24.990),
    ("10m", 28.000, 29.700),
    ("6m", 50.000, 52.000),
    ("2m", 144.000, 146.000),
)
# By band plan no contests are held on 60m and the WARC bands (30m, 17m, 12m).
NON_CONTEST_BANDS = frozenset({"60m", "30m", "17m", "12m"})
BAND_NAMES = tuple(name for name, _, _ in BANDS)


def band_for(freq_mhz: float) -> str:
    for name, low, high in BANDS:
        if low <= freq_mhz <= high:
            return name
    raise ValueError(f"{freq_mhz} MHz is not in an amateur band")


def normalise_band(text: str) -> str:
    """A band as the user typed it (20m, 20 M, 20) as its name here (20m)."""
    name = text.strip().lower().replace(" ", "")
    if not name.endswith("m"):
        name += "m"
    if name not in BAND_NAMES:
        raise ValueError(f"no such band: {text!r}")
    return name


def is_contest_band(band: str) -> bool:
    return band not in NON_CONTEST_BANDS
