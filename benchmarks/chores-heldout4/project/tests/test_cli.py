import pytest

from hits import __version__
from hits.cli import main


def test_top_lists_the_most_requested_paths(sample_log, capsys):
    assert main(["top", str(sample_log), "-n", "2"]) == 0
    out, err = capsys.readouterr()
    rows = [line.split() for line in out.splitlines()[2:]]
    assert rows == [["1", "/api/orders", "4"], ["2", "/", "3"]]
    assert "skipped 1 malformed line" in err


def test_status_by_code(sample_log, capsys):
    assert main(["status", str(sample_log)]) == 0
    out = capsys.readouterr().out
    assert "requests: 20  errors: 25.0%" in out
    assert any(line.split()[:2] == ["404", "2"] for line in out.splitlines())
    assert "latency: p50=" in out


def test_status_by_class(sample_log, capsys):
    assert main(["status", "--classes", str(sample_log)]) == 0
    out = capsys.readouterr().out
    assert "2xx  12" in out
    assert "5xx  2" in out


def test_a_missing_log_is_exit_1(tmp_path, capsys):
    assert main(["top", str(tmp_path / "nope.log")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert __version__ in capsys.readouterr().out
