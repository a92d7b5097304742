"""``--since`` and ``--until``: one grammar for every command that filters by time.

A moment is either

- an age before now: a number (decimals allowed) and a unit — ``s``, ``m`` (minutes), ``h``, ``d``,
  ``w`` — e.g. ``30m``, ``12h``, ``1.5d``, ``2w``; or
- an ISO 8601 date or date-time: ``2026-01-01`` (local midnight), ``2026-01-01T09:30`` (local
  time), ``2026-01-01T09:30:00Z`` or with an offset.

``--since`` keeps calls that started at or after its moment, ``--until`` calls that started before
its moment (``--since 2026-01-01 --until 2026-02-01`` is January, local time). The ledger stores UTC
ISO strings ending in ``Z``; :func:`ledger_ts` gives a moment in that form for range comparisons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import UsageError

_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
GRAMMAR = "an age like 30m, 12h, 1.5d, 2w or an ISO date/time like 2026-01-01 or 2026-01-01T09:30Z"


def parse_moment(text: str, option: str = "--since", *, now: datetime | None = None) -> datetime:
    """The aware UTC instant ``text`` names (see the module doc); bad text is a one-line UsageError."""
    value = text.strip()
    match = _AGE.match(value)
    if match:
        amount = float(match.group(1))
        if amount <= 0:
            raise UsageError(f"{option} {text!r}: the age must be more than zero")
        moment = (now or datetime.now(UTC)) - timedelta(**{_UNITS[match.group(2).lower()]: amount})
        return moment.astimezone(UTC)
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {text!r}: expected {GRAMMAR}") from None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # naive: local time, as people read dates
    return parsed.astimezone(UTC)


def ledger_ts(moment: datetime) -> str:
    """``moment`` in the ledger's timestamp form (UTC, microseconds, ``Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class TimeRange:
    """``[since, until)`` over a timestamp column; either end may be open (None)."""

    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def parse(cls, since: str | None, until: str | None, *, now: datetime | None = None) -> TimeRange:
        """The range of ``--since``/``--until`` (either may be None); an empty range is refused."""
        start = parse_moment(since, "--since", now=now) if since else None
        end = parse_moment(until, "--until", now=now) if until else None
        if start is not None and end is not None and end <= start:
            raise UsageError(f"--until {until!r} is not after --since {since!r}")
        return cls(start, end)

    def contains(self, moment: datetime) -> bool:
        return (self.since is None or moment >= self.since) and (self.until is None or moment < self.until)

    def where(self, column: str = "ts_start") -> tuple[list[str], list[str]]:
        """SQL conditions (to AND together) and their parameters."""
        clauses: list[str] = []
        params: list[str] = []
        if self.since is not None:
            clauses.append(f"{column} >= ?")
            params.append(ledger_ts(self.since))
        if self.until is not None:
            clauses.append(f"{column} < ?")
            params.append(ledger_ts(self.until))
        return clauses, params


__all__ = ["GRAMMAR", "TimeRange", "ledger_ts", "parse_moment"]
