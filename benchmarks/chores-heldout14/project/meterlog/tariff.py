"""The tariff: Economy 7 day and night unit rates, the standing charge and the export rate.

Unit rates are in pence per kWh and the standing charge in pence per day, as on the statements;
money is kept in pence until it is printed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

# The night register counts from 00:30 to 07:30 (GMT all year round, as Economy 7 meters do).
NIGHT_START = "00:30"
NIGHT_END = "07:30"


@dataclass(frozen=True)
class Tariff:
    name: str = "default Economy 7"
    day_rate: float = 27.62  # pence per kWh
    night_rate: float = 9.85  # pence per kWh
    standing_charge: float = 53.35  # pence per day
    export_rate: float = 4.1  # pence per kWh exported


DEFAULT_TARIFF = Tariff()


def load_tariff(path: str | Path | None) -> Tariff:
    """The ``[tariff]`` table of a TOML file; a key it leaves out keeps its default.

    No path, or a path that does not exist, gives the default tariff.
    """
    # TODO: tariffs that change part way through a month (the price cap moves on 1 Jan/Apr/Jul/Oct)
    if path is None or not Path(path).exists():
        return DEFAULT_TARIFF
    with open(path, "rb") as handle:
        table = tomllib.load(handle).get("tariff", {})
    known = {field.name for field in fields(Tariff)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"{path}: unknown tariff keys: {', '.join(unknown)}")
    values = {key: (str(value) if key == "name" else float(value)) for key, value in table.items()}
    for key, value in values.items():
        if key != "name" and value < 0:
            raise ValueError(f"{path}: {key} cannot be negative")
    return replace(DEFAULT_TARIFF, **values)


def pounds(pence: float) -> str:
    """Pence as pounds to the penny: 12345.6 -> '£123.46', -320 -> '-£3.20'."""
    sign = "-" if round(pence) < 0 else ""
    return f"{sign}£{abs(pence) / 100:.2f}"
