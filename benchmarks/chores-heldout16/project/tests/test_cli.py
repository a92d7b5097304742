from pathlib import Path

import pytest
from qsolog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"
SMALL = """date,time,call,freq,mode,rst_sent,rst_rcvd
2026-05-02,0705,DL1ABC,7.012,CW,599,599
2026-05-02,0712,F5XYZ,7.018,SSB,59,57
2026-05-02,0731,DL1ABC/P,7.022,CW,599,599
2026-05-03,0802,OK2PQ,14.074,FT8,-10,-14
"""


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(SMALL, encoding="utf-8")
    return str(path)


def run(capsys, log, *args):
    assert main(["--log", log, *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_log_lists_every_contact(capsys):
    lines = run(capsys, str(DATA / "log.csv"), "log")
    assert len(lines) == 24
    assert lines[0].split()[:4] == ["2026-05-02", "0705", "DL1ABC", "40m"]


def test_log_band_with_or_without_m(capsys, small):
    assert run(capsys, small, "log", "--band", "40") == run(capsys, small, "log", "--band", "40m")
    assert len(run(capsys, small, "log", "--band", "20m")) == 1


def test_log_mode_any_case(capsys, small):
    assert len(run(capsys, small, "log", "--mode", "cw")) == 2


def test_bands(capsys, small):
    assert run(capsys, small, "bands") == [
        " 40m    3  CW 2, SSB 1",
        " 20m    1  FT8 1",
        "busiest hour: 0700-0759 UTC, 3 contacts",
    ]


def test_score(capsys, small):
    lines = run(capsys, small, "score")
    assert [line.split() for line in lines] == [
        ["QSOs", "4"], ["dupes", "1"], ["points", "6"], ["multipliers", "3"], ["score", "18"],
    ]


def test_score_one_day(capsys, small):
    lines = run(capsys, small, "score", "--date", "2026-05-03")
    assert lines[-1].split() == ["score", "2"]
