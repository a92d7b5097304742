"""Checks shared by the commands' options: every number has a range, every float is finite.

Integer options use typer's ``min``/``max`` (click's IntRange); float options also take
:func:`finite`, because a range alone lets ``nan`` through (every comparison with nan is false, so
``--max-cost nan`` passed ``min=0`` and meant "no cap"). Out-of-range values are usage errors:
one line, exit 2.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import get_args

import typer

from ..config import StepKind

# Counts above this are typos, and SQLite's LIMIT overflows at 2**63 (a traceback, not a message).
MAX_COUNT = 1_000_000_000
# random.Random takes any int, numpy's generators only 0..2**32-1.
MAX_SEED = 2**32 - 1
MAX_JOBS = 64


def finite(
    low: float | None = None, high: float | None = None, *, low_open: bool = False, high_open: bool = False
) -> Callable[[float | None], float | None]:
    """An option callback: the value is a finite number within [low, high] (open ends if asked)."""

    def check(value: float | None) -> float | None:
        if value is None:
            return value
        if not math.isfinite(value):
            raise typer.BadParameter(f"{value} is not a finite number")
        if low is not None and (value < low or (low_open and value == low)):
            raise typer.BadParameter(f"{value:g} is {'not above' if low_open else 'below'} {low:g}")
        if high is not None and (value > high or (high_open and value == high)):
            raise typer.BadParameter(f"{value:g} is {'not below' if high_open else 'above'} {high:g}")
        return value

    return check


def step_kinds(values: list[str] | None) -> list[str] | None:
    """An option callback: every value is a step kind the ledger records (a typo matched nothing)."""
    known = get_args(StepKind)
    for value in values or []:
        if value not in known:
            raise typer.BadParameter(f"{value!r} is not a step kind; one of {', '.join(known)}")
    return values


__all__ = ["MAX_COUNT", "MAX_JOBS", "MAX_SEED", "finite", "step_kinds"]
