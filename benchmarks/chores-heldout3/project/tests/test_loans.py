from __future__ import annotations

from datetime import date
from pathlib import Path

from shelf.loans import Loan, days_overdue, due_date, is_overdue, load_loans, renewal_due_date


def test_due_date_is_three_weeks_later() -> None:
    assert due_date(date(2026, 2, 1)) == date(2026, 2, 22)
    assert due_date(date(2026, 2, 1), days=7) == date(2026, 2, 8)


def test_load_loans(data_dir: Path) -> None:
    loans = load_loans(data_dir / "loans.csv")
    assert len(loans) == 10
    assert loans[0] == Loan("9780141439518", "M001", date(2026, 1, 5))
    assert loans[5].returned == date(2026, 2, 10)


def test_an_open_loan_past_its_due_date_is_overdue(today: date) -> None:
    assert is_overdue(Loan("x", "M1", date(2026, 1, 5)), today)


def test_a_returned_loan_is_never_overdue(today: date) -> None:
    assert not is_overdue(Loan("x", "M1", date(2026, 1, 5), returned=date(2026, 2, 20)), today)


def test_days_overdue_of_an_open_loan(today: date) -> None:
    assert days_overdue(Loan("x", "M1", date(2026, 1, 5)), today) == 35


def test_days_overdue_of_a_loan_returned_late(today: date) -> None:
    assert days_overdue(Loan("x", "M1", date(2026, 1, 10), returned=date(2026, 2, 10)), today) == 10


def test_days_overdue_is_never_negative(today: date) -> None:
    assert days_overdue(Loan("x", "M1", date(2026, 2, 20)), today) == 0


def test_renewal_counts_from_the_later_of_due_date_and_today(today: date) -> None:
    assert renewal_due_date(Loan("x", "M1", date(2026, 2, 20)), today) == date(2026, 4, 3)
    assert renewal_due_date(Loan("x", "M1", date(2026, 1, 5)), today) == date(2026, 3, 23)
