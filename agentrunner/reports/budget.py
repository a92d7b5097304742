"""The ``budget`` view: each cap's spent/reserved/left/reset as rows, and 80% warning lines.

Windows and spend come from :func:`agentrunner.budgets.budget_status` (one source of truth); this
module only presents them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..budgets import CapStatus
from ..ledger import Ledger


def latest_run_id(ledger: Ledger) -> str | None:
    """The most recently started run (for the per-run cap), from ``runs`` or else ``calls``."""
    row = ledger.db.execute("SELECT id FROM runs ORDER BY started DESC, id DESC LIMIT 1").fetchone()
    if row:
        return str(row[0])
    row = ledger.db.execute(
        "SELECT run_id FROM calls WHERE run_id IS NOT NULL AND source = 'agentrunner' "
        "ORDER BY ts_start DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


def local_time(moment: datetime | None) -> str:
    return "never (per run)" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def status_rows(statuses: list[CapStatus], *, run_id: str | None = None) -> list[dict[str, Any]]:
    """JSON-ready rows, one per cap."""
    return [
        {
            "cap": s.name,
            "run_id": run_id if s.name == "per_run" else None,
            "cap_usd": s.cap_usd,
            "spent_usd": s.spent_usd,
            "reserved_usd": s.reserved_usd,
            "left_usd": s.left_usd,
            "used_fraction": s.fraction,
            "resets_at": None if s.resets_at is None else s.resets_at.isoformat().replace("+00:00", "Z"),
            "resets_at_local": None if s.resets_at is None else s.resets_at.astimezone().isoformat(),
            "exhausted": s.exhausted,
        }
        for s in statuses
    ]


def warning_lines(statuses: list[CapStatus], warn_at: float = 0.8) -> list[str]:
    """One line per cap at or above ``warn_at`` of its limit (for ``run`` output)."""
    lines = []
    for s in statuses:
        if s.exhausted:
            lines.append(f"budget: {s.name} cap ${s.cap_usd:.2f} exhausted (resets {local_time(s.resets_at)})")
        elif s.fraction >= warn_at:
            lines.append(
                f"budget: {s.name} at {s.fraction * 100:.0f}% of ${s.cap_usd:.2f} "
                f"(${s.left_usd:.4f} left, resets {local_time(s.resets_at)})"
            )
    return lines
