"""The lines the CLI prints: overdue loans and fees owed."""

from __future__ import annotations

from .fees import fees_by_member, format_cents
from .loans import days_overdue, is_overdue


def overdue_lines(loans, books, members, today):
    """One line per overdue loan, the longest overdue first."""
    lines = []
    for loan in sorted(loans, key=lambda loan: (loan.due, loan.member_id)):
        if not is_overdue(loan, today):
            continue
        book = books.get(loan.isbn)
        title = book.title if book else f"<unknown book {loan.isbn}>"
        member = members.get(loan.member_id)
        who = member.name if member else loan.member_id
        lines.append(f"{loan.due.isoformat()}  {days_overdue(loan, today):>3} days  {who}: {title}")
    return lines


def fee_lines(loans, members, today):
    """One line per member who owes fees, the largest amount first."""
    totals = fees_by_member(loans, today)
    lines = []
    for member_id in sorted(totals, key=lambda key: (-totals[key], key)):
        member = members.get(member_id)
        name = member.name if member else member_id
        lines.append(f"{member_id:<6} {name:<20} {format_cents(totals[member_id]):>8}")
    # TODO: print a total line under the members
    return lines
