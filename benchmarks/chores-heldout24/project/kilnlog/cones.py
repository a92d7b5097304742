"""Pyrometric cones: the temperature each one bends at, and whether a firing reached its cone."""

from __future__ import annotations

# Orton self-supporting cones heated at 150 °C an hour over the last 100 °C, in °C.
# Low-fire cones are written with a leading zero: 06 is a long way below 6.
CONES = {
    "018": 717,
    "010": 894,
    "08": 955,
    "07": 984,
    "06": 1013,
    "05": 1046,
    "04": 1070,
    "03": 1098,
    "02": 1114,
    "01": 1131,
    "1": 1148,
    "2": 1153,
    "3": 1172,
    "4": 1188,
    "5": 1211,
    "6": 1243,
    "7": 1252,
    "8": 1263,
    "9": 1280,
    "10": 1305,
}

UNDER_BY = 20  # a peak more than this many degrees below the cone is underfired
OVER_BY = 30  # and more than this many above it is overfired
# TODO: cone tables for 60 °C/h and 300 °C/h ramps, picked per firing


def parse_cone(text):
    """The cone as the table names it, from the ways the log writes it: `cone 6`, `Cone 6`, `^6`, `cone6`, `6`."""
    cleaned = text.strip().lower().removeprefix("cone").strip().removeprefix("^").strip()
    if cleaned not in CONES:
        raise ValueError(f"unknown cone: {text!r}")
    return cleaned


def target_temperature(cone: str) -> int:
    """The temperature (°C) the cone bends at."""
    return CONES[cone]


def verdict(peak_c, cone):
    """Whether a firing that peaked at peak_c (°C) reached its cone."""
    target = CONES[cone]
    if peak_c < target - UNDER_BY:
        return "underfired"
    if peak_c > target + OVER_BY:
        return "overfired"
    return "on target"


def to_fahrenheit(celsius: float) -> float:
    return celsius * 9 / 5 + 32
