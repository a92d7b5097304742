"""Report windows: UTC instants for the ledger, local dates for people.

The ledger stores UTC ISO-8601 strings ending in ``Z``. People think in local days: ``--from`` and
``--to`` are local dates (both inclusive) and daily buckets are local days. A window is therefore
cut into one bucket per local day, each a ``[lo, hi)`` range of UTC instants computed here in
Python (DST-correct, and right for half-hour zones too); SQL then joins calls to those ranges on
the ``ts_start`` index instead of converting every row's timestamp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ..errors import UsageError
from ..timerange import ledger_ts as to_ledger_ts
from ..timerange import parse_moment

_AGE = re.compile(r"^\d+(?:\.\d+)?\s*[smhdw]$", re.IGNORECASE)


def parse_ledger_ts(text: str) -> datetime:
    """A ledger timestamp (``…Z`` or with an offset) as an aware UTC datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_midnight(day: date) -> datetime:
    """The instant local ``day`` starts, aware (DST-correct: naive → system local zone)."""
    return datetime(day.year, day.month, day.day).astimezone()


def local_zone_name(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone().tzname() or "local"


@dataclass(frozen=True)
class DayBucket:
    """One local day of a window, clipped to the window: calls with ``lo <= ts_start < hi``."""

    day: date
    lo: datetime
    hi: datetime

    @property
    def lo_ts(self) -> str:
        return to_ledger_ts(self.lo)

    @property
    def hi_ts(self) -> str:
        return to_ledger_ts(self.hi)


@dataclass(frozen=True)
class Window:
    """A half-open range ``[start, end)`` of aware instants and how it was asked for."""

    start: datetime
    end: datetime
    label: str

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise UsageError(f"empty report window: {self.label} ends before it starts")

    @property
    def start_ts(self) -> str:
        return to_ledger_ts(self.start)

    @property
    def end_ts(self) -> str:
        return to_ledger_ts(self.end)

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400

    def buckets(self) -> list[DayBucket]:
        """Local days from the start's day to the end's, each clipped to the window."""
        first = self.start.astimezone().date()
        last = (self.end - timedelta(microseconds=1)).astimezone().date()
        buckets: list[DayBucket] = []
        day = first
        while day <= last:
            lo = max(local_midnight(day), self.start)
            hi = min(local_midnight(day + timedelta(days=1)), self.end)
            if hi > lo:
                buckets.append(DayBucket(day, lo, hi))
            day += timedelta(days=1)
        return buckets


def window_from_range(since: str | None, until: str | None = None, *, now: datetime | None = None) -> Window:
    """``--since``/``--until`` (:mod:`agentrunner.timerange`); ``--since`` defaults to 30d, ``--until`` to now."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    since = since or "30d"
    start = parse_moment(since, "--since", now=moment)
    end = parse_moment(until, "--until", now=moment) if until else moment
    if until is None and _AGE.match(since.strip()):
        label = f"last {since.strip()}"
    else:
        label = f"{since.strip()} → {until.strip() if until else 'now'}"
    if end <= start:
        raise UsageError(f"empty report window: --until {until!r} is not after --since {since!r}")
    return Window(start, end, label)


def parse_local_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r}: expected a date YYYY-MM-DD") from None


def window_from_dates(start: str | None, end: str | None, *, now: datetime | None = None) -> Window:
    """``--from`` and ``--to``: local dates, both inclusive. A missing ``--to`` is today; a
    missing ``--from`` is 30 days before ``--to``."""
    moment = (now or datetime.now(UTC)).astimezone()
    last = parse_local_date(end, "--to") if end else moment.date()
    first = parse_local_date(start, "--from") if start else last - timedelta(days=29)
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    return Window(local_midnight(first), local_midnight(last + timedelta(days=1)), f"{first} → {last}")


def resolve_window(
    since: str | None,
    start: str | None,
    end: str | None,
    *,
    until: str | None = None,
    now: datetime | None = None,
) -> Window:
    """The window of the command-line options (default: the last 30 days)."""
    if (since or until) and (start or end):
        raise UsageError("use either --since/--until or --from/--to, not both")
    if start or end:
        return window_from_dates(start, end, now=now)
    return window_from_range(since, until, now=now)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def prorate_monthly(monthly_usd: float, start: datetime, end: datetime) -> float:
    """A monthly amount spread over ``[start, end)``: each local calendar month it overlaps
    contributes the fraction of that month's duration covered (a full November is exactly one
    month, whatever its length)."""
    if end <= start:
        return 0.0
    total = 0.0
    month = month_start(start.astimezone().date())
    while local_midnight(month) < end:
        lo, hi = local_midnight(month), local_midnight(next_month(month))
        overlap = (min(hi, end) - max(lo, start)).total_seconds()
        if overlap > 0:
            total += monthly_usd * overlap / (hi - lo).total_seconds()
        month = next_month(month)
    return total


def week_label(day: date) -> str:
    """Weeks start on Monday; a week is named by its Monday."""
    return (day - timedelta(days=day.weekday())).isoformat()


def month_label(day: date) -> str:
    return day.strftime("%Y-%m")
