import pytest

from meterlog import __version__
from meterlog.cli import main


def test_usage(readings_csv, capsys):
    assert main(["--file", str(readings_csv), "usage"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["2026-01", "2026-02"]
    assert "over 12 days" in lines[0]


def test_bill_of_one_month(readings_csv, tmp_path, capsys):
    tariff = tmp_path / "tariff.toml"
    tariff.write_text("[tariff]\nday_rate = 30\nnight_rate = 10\nstanding_charge = 50\nexport_rate = 15\n")
    assert main(["--file", str(readings_csv), "--tariff", str(tariff), "bill", "--month", "2026-01"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("2026-01")
    assert "total   £48.00" in line  # 120 kWh at 30p, 60 at 10p, 12 days at 50p


def test_compare(readings_csv, capsys):
    assert main(["--file", str(readings_csv), "compare", "2026-01", "2026-02"]) == 0
    out = capsys.readouterr().out
    assert "-36.7%" in out
    assert "n/a" in out


def test_compare_a_month_without_readings(readings_csv, capsys):
    assert main(["--file", str(readings_csv), "compare", "2026-01", "2026-09"]) == 1
    assert "2026-09" in capsys.readouterr().err


def test_a_bad_month_is_a_usage_error(readings_csv):
    with pytest.raises(SystemExit):
        main(["--file", str(readings_csv), "bill", "--month", "2026-13"])


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert __version__ in capsys.readouterr().out
