from pathlib import Path

from waterlog.cli import main

LOG = Path(__file__).resolve().parent.parent / "data" / "readings.csv"


def run(capsys, *args):
    assert main(["--file", str(LOG), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_log_prints_every_reading(capsys):
    lines = run(capsys, "log")
    assert len(lines) == 47
    assert lines[0].split() == ["2026-03-02", "main", "286", "L"]


def test_log_since(capsys):
    lines = run(capsys, "log", "--since", "1 April 2026")
    assert [line.split()[0] for line in lines][:2] == ["2026-04-01", "2026-04-01"]
    assert len(lines) == 9


def test_daily_shows_the_band(capsys):
    lines = run(capsys, "daily")
    assert len(lines) == 33
    assert lines[0].endswith("143 L/person  average")
    assert lines[-1].endswith("high")


def test_weekly(capsys):
    lines = run(capsys, "weekly")
    assert [line.split()[1] for line in lines] == ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]
    assert "rain  50%" in lines[1]


def test_leaks_finds_the_running_toilet(capsys):
    lines = run(capsys, "leaks")
    assert lines[0].startswith("2026-03-17")


# TODO: a test for the message of a bad row, once load_readings says which line it is
def test_a_bad_file_is_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,meter,volume,note\n2026-03-02,pond,10 L,\n", encoding="utf-8")
    assert main(["--file", str(bad), "log"]) == 2
    assert "unknown meter" in capsys.readouterr().err
