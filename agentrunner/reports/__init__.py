"""Reports: where the money goes, the run rate, productive work per dollar.

``build_report(config, ledger, window, by=...)`` aggregates the ledger in SQL and returns a
:class:`Report`; :mod:`.render` prints it (terminal, JSON, CSV) and :mod:`.html` draws the
self-contained HTML page.
"""

from __future__ import annotations

from .spend import DIMENSIONS, GroupRow, PremiumRates, Report, Totals, build_report, premium_rates
from .window import Window, prorate_monthly, resolve_window, window_from_dates, window_from_range

__all__ = [
    "DIMENSIONS",
    "GroupRow",
    "PremiumRates",
    "Report",
    "Totals",
    "Window",
    "build_report",
    "premium_rates",
    "prorate_monthly",
    "resolve_window",
    "window_from_dates",
    "window_from_range",
]
