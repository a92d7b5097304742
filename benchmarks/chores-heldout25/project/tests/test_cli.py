from bplog import __version__
from bplog.cli import main


def test_log_shows_every_reading(capsys):
    assert main(["log"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 20
    assert lines[2].startswith("2026-02-03") and lines[2].endswith("stage 2")


def test_log_since(capsys):
    assert main(["log", "--since", "2026-02-17"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert "182/110" in lines[0] and lines[0].endswith("crisis")


def test_week(capsys):
    assert main(["week"]) == 0
    out = capsys.readouterr().out
    assert "2026-02-02   8 readings  129/81  pulse 64" in out


def test_category(capsys):
    assert main(["category"]) == 0
    out = capsys.readouterr().out
    assert "stage 2     4" in out and "crisis      1" in out


def test_missing_file_is_an_error(capsys, tmp_path):
    assert main(["--file", str(tmp_path / "nope.csv"), "log"]) == 1
    assert "bplog:" in capsys.readouterr().err


def test_version():
    assert __version__ == "1.3.2"
