from datetime import date

import pytest
from plantcare.log import Watering, append_watering, history, last_watered, load_log, parse_yes_no


def test_parse_yes_no():
    assert parse_yes_no("yes") is True
    assert parse_yes_no(" No ") is False
    assert parse_yes_no("") is False
    with pytest.raises(ValueError):
        parse_yes_no("maybe")


def test_load_log_sorts_by_date(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("date,plant,ml,fed\n2026-04-05,Fern,170,no\n2026-04-02,Mint,100,yes\n", encoding="utf-8")
    log = load_log(path)
    assert log == [Watering(date(2026, 4, 2), "Mint", 100, True), Watering(date(2026, 4, 5), "Fern", 170, False)]


def test_a_missing_log_is_empty(tmp_path):
    assert load_log(tmp_path / "none.csv") == []


def test_last_watered_by_plant():
    log = [Watering(date(2026, 4, 2), "Mint", 100), Watering(date(2026, 4, 5), "Fern", 170)]
    assert last_watered(log) == {"Mint": date(2026, 4, 2), "Fern": date(2026, 4, 5)}


def test_history_of_one_plant():
    log = [Watering(date(2026, 4, 2), "Mint", 100), Watering(date(2026, 4, 5), "Fern", 170)]
    assert history(log, "fern") == [log[1]]


def test_append_watering_keeps_a_backup(tmp_path):
    path = tmp_path / "log.csv"
    append_watering(path, Watering(date(2026, 4, 2), "Mint", 100))
    assert not (tmp_path / "log.csv.bak").exists()
    append_watering(path, Watering(date(2026, 4, 3), "Fern", 170, True))
    # TODO: test append_watering on a log without a trailing newline
    assert (tmp_path / "log.csv.bak").read_text(encoding="utf-8").count("\n") == 2
    assert load_log(path)[-1] == Watering(date(2026, 4, 3), "Fern", 170, True)
