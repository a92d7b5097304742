from __future__ import annotations

from pathlib import Path

from shelf.catalog import Book, load_books, load_members


def test_load_books_by_isbn(data_dir: Path) -> None:
    books = load_books(data_dir / "books.csv")
    assert len(books) == 8
    assert books["9780141439518"] == Book("9780141439518", "Pride and Prejudice", "Jane Austen", 3)


def test_a_quoted_title_keeps_its_commas(data_dir: Path) -> None:
    books = load_books(data_dir / "books.csv")
    assert books["9780393317558"].title == "Guns, Germs, and Steel"


def test_blank_copies_means_one(data_dir: Path) -> None:
    assert load_books(data_dir / "books.csv")["9780451524935"].copies == 1


def test_load_members(data_dir: Path) -> None:
    members = load_members(data_dir / "members.csv")
    assert sorted(members) == ["M001", "M002", "M003", "M004", "M005"]
    assert members["M002"].name == "Bram Okafor"
    assert members["M003"].email == ""


def test_members_without_an_email_column(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("member_id,name\nM9,Zed\n", encoding="utf-8")
    assert load_members(path)["M9"].email == ""
