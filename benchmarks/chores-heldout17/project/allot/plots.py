"""The plot register: one row per plot in a CSV file.

Columns: ``plot`` (site letter and number, ``B7``), ``holder``, ``size`` (``10 rods``, ``125 m2``),
``since`` (the date the tenancy started, ISO), ``concession`` (``yes`` or ``no``: a reduced rent),
``cultivated`` (the percentage of the plot found cultivated at the last inspection) and
``inspected`` (the date of that inspection).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from allot.units import parse_size

FIELDS = ("plot", "holder", "size", "since", "concession", "cultivated", "inspected")
_PLOT_ID = re.compile(r"^([A-Z])(\d{1,3})$")


@dataclass(frozen=True)
class Plot:
    plot: str
    holder: str
    area_m2: float
    since: date
    concession: bool
    cultivated: int
    inspected: date

    @property
    def site(self) -> str:
        return self.plot[0]


def plot_key(plot_id: str) -> tuple[str, int]:
    """Sort key for plot ids in site order, then by number: A2 before A10."""
    match = _PLOT_ID.match(plot_id)
    if not match:
        raise ValueError(f"not a plot id: {plot_id!r}")
    return match.group(1), int(match.group(2))


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "y", "true"):
        return True
    if value in ("no", "n", "false", ""):
        return False
    raise ValueError(f"concession must be yes or no, not {text!r}")


def parse_row(row: dict[str, str]) -> Plot:
    """One CSV row as a Plot; raises ValueError naming the bad field."""
    missing = [name for name in FIELDS if name not in row]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    plot_id = row["plot"].strip().upper()
    plot_key(plot_id)
    holder = row["holder"].strip()
    if not holder:
        raise ValueError(f"{plot_id}: no holder")
    cultivated = int(row["cultivated"])
    if not 0 <= cultivated <= 100:
        raise ValueError(f"{plot_id}: cultivated must be a percentage, not {cultivated}")
    since = date.fromisoformat(row["since"].strip())
    inspected = date.fromisoformat(row["inspected"].strip())
    if inspected < since:
        raise ValueError(f"{plot_id}: inspected before the tenancy started")
    return Plot(
        plot=plot_id,
        holder=holder,
        area_m2=parse_size(row["size"]),
        since=since,
        concession=_yes_no(row["concession"]),
        cultivated=cultivated,
        inspected=inspected,
    )


def load_plots(path: str | Path) -> list[Plot]:
    """Every plot of the register, in plot order; a plot id twice is an error."""
    with open(path, newline="", encoding="utf-8") as handle:
        plots = [parse_row(row) for row in csv.DictReader(handle)]
    seen: set[str] = set()
    for plot in plots:
        if plot.plot in seen:
            raise ValueError(f"{plot.plot}: listed twice")
        seen.add(plot.plot)
    # TODO: warn when a holder has more than two plots (the site rules allow two)
    return sorted(plots, key=lambda plot: plot_key(plot.plot))
