"""Late fees, always in whole cents (never floats)."""

from __future__ import annotations

from .loans import days_overdue

FEE_PER_DAY_CENTS = 25
GRACE_DAYS = 2
MAX_FEE_CENTS = 1000


def calc_fee(loan, today):
    """The late fee of one loan: 25 cents a day after the grace days, at most $10 a loan."""
    late = days_overdue(loan, today)
    if late <= GRACE_DAYS:
        return 0
    return min((late - GRACE_DAYS) * FEE_PER_DAY_CENTS, MAX_FEE_CENTS)


def fees_by_member(loans, today):
    """Each member's total late fees; members who owe nothing are left out."""
    totals = {}
    for loan in loans:
        fee = calc_fee(loan, today)
        if fee:
            totals[loan.member_id] = totals.get(loan.member_id, 0) + fee
    return totals


def format_cents(cents):
    """``1205`` as ``$12.05``; negative amounts (refunds) as ``-$12.05``."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}${cents // 100}.{cents % 100:02d}"
