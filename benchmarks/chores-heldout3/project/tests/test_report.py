from __future__ import annotations

from datetime import date
from pathlib import Path

from shelf.catalog import load_books, load_members
from shelf.loans import Loan, load_loans
from shelf.report import fee_lines, overdue_lines


def test_overdue_lines_longest_overdue_first(data_dir: Path, today: date) -> None:
    loans = load_loans(data_dir / "loans.csv")
    lines = overdue_lines(loans, load_books(data_dir / "books.csv"), load_members(data_dir / "members.csv"), today)
    assert lines[0] == "2025-12-22   70 days  Bram Okafor: Crime and Punishment"
    assert lines[1] == "2026-01-26   35 days  Ada Whitfield: Pride and Prejudice"
    assert not any("Middlemarch" in line for line in lines)  # returned


def test_an_unknown_book_or_member_is_still_listed(today: date) -> None:
    lines = overdue_lines([Loan("999", "M9", date(2026, 1, 1))], {}, {}, today)
    assert lines == ["2026-01-22   39 days  M9: <unknown book 999>"]


def test_fee_lines_largest_first(data_dir: Path, today: date) -> None:
    lines = fee_lines(load_loans(data_dir / "loans.csv"), load_members(data_dir / "members.csv"), today)
    assert [line.split()[0] for line in lines] == ["M002", "M001", "M004", "M005"]
    assert lines[0].endswith("$10.00")
