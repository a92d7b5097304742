from datetime import date
from pathlib import Path

import pytest
from gamenight.plays import everyone, parse_players, parse_row, plays_of, read_plays

DATA = Path(__file__).resolve().parent.parent / "data" / "plays.csv"


def test_parse_players_keeps_table_order():
    assert list(parse_players("Ben:37; Ana:42")) == ["Ben", "Ana"]
    assert parse_players("Ben:37; Ana:42") == {"Ana": 42, "Ben": 37}


@pytest.mark.parametrize("text", ["Ana", "Ana:x", ":3", "Ana:1;Ana:2", ""])
def test_parse_players_rejects_bad_entries(text):
    with pytest.raises(ValueError):
        parse_players(text)


def test_parse_row_winner_must_have_played():
    row = {"date": "2026-02-06", "game": "Carcassonne", "players": "Ana:88;Ben:88", "winner": "Cleo", "notes": ""}
    with pytest.raises(ValueError, match="did not play"):
        parse_row(row)


def test_parse_row_blank_winner_is_none():
    row = {"date": "2026-02-06", "game": "Azul", "players": "Ana:70;Ben:60", "winner": " ", "notes": ""}
    play = parse_row(row)
    assert play.winner is None and play.date == date(2026, 2, 6)
    assert play.winners() == ["Ana"]


def test_winners_on_a_tie_without_winner_column(play):
    assert play("2026-03-13", Dana=61, Eli=61).winners() == ["Dana", "Eli"]


def test_read_plays_sorted_by_date():
    plays = read_plays(DATA)
    assert len(plays) == 22
    assert [p.date for p in plays] == sorted(p.date for p in plays)
    assert plays[0].game == "Catan"


def test_plays_of_and_everyone(play):
    plays = [play("2026-01-09", Ana=1, Ben=2), play("2026-01-16", Ben=3, Cleo=1)]
    assert len(plays_of(plays, "Ben")) == 2
    assert everyone(plays) == ["Ana", "Ben", "Cleo"]


def test_read_plays_reports_the_line(tmp_path):
    path = tmp_path / "plays.csv"
    path.write_text("date,game,players,winner,notes\n2026-01-09,Azul,Ana:1;Ben:2,,\n2026-01-10,Azul,Ana,,\n")
    with pytest.raises(ValueError, match=r"plays.csv:3:"):
        read_plays(path)
