"""Books and members, loaded from the library system's CSV exports."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Book:
    isbn: str
    title: str
    author: str
    copies: int = 1


@dataclass(frozen=True)
class Member:
    member_id: str
    name: str
    email: str = ""


def load_books(path):
    """Books by ISBN, from a CSV with isbn,title,author,copies columns (copies may be blank: 1)."""
    books = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            isbn = row["isbn"].strip()
            copies = int(row.get("copies") or 1)
            books[isbn] = Book(isbn, row["title"].strip(), row["author"].strip(), copies)
    return books


def load_members(path: Path | str) -> dict[str, Member]:
    """Members by id, from a CSV with member_id,name,email columns."""
    members = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            member = Member(row["member_id"].strip(), row["name"].strip(), (row.get("email") or "").strip())
            # TODO: warn about duplicate member ids instead of silently keeping the last row
            members[member.member_id] = member
    return members
