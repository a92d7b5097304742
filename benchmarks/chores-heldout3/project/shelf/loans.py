"""Loans: which member has which book, since when, and when it is due back."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Loan:
    isbn: str
    member_id: str
    borrowed: date
    returned: date | None = None

    @property
    def due(self) -> date:
        return due_date(self.borrowed)


def due_date(borrowed: date, days: int = 21) -> date:
    """The day a book borrowed on ``borrowed`` is due back."""
    return borrowed + timedelta(days=days)


def renewal_due_date(loan: Loan, today: date) -> date:
    """The new due date of a loan renewed on ``today``: a full period from today, never earlier."""
    # TODO: refuse a third renewal once renewals are recorded in the export
    return max(loan.due, today) + timedelta(days=21)


def parse_date(text):
    return date.fromisoformat(text.strip())


def load_loans(path):
    """Every loan in a CSV with isbn,member_id,borrowed,returned columns (returned blank: still out)."""
    loans = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            returned = (row.get("returned") or "").strip()
            loans.append(
                Loan(
                    row["isbn"].strip(),
                    row["member_id"].strip(),
                    parse_date(row["borrowed"]),
                    parse_date(returned) if returned else None,
                )
            )
    return loans


def is_overdue(loan: Loan, today: date) -> bool:
    """True for a loan still out after its due date."""
    if loan.returned is not None:
        return False
    return today > loan.due


def days_overdue(loan, today):
    end = loan.returned or today
    return max(0, (end - loan.due).days)
