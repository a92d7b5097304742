import csv
from pathlib import Path

from pourlog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "batches.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_batches_prints_every_batch_with_its_rating(capsys):
    lines = run(capsys, "batches")
    assert len(lines) == 18
    assert lines[0].startswith("C-001  2026-03-02  container")
    assert lines[0].endswith("8.0%  ok")
    christmas = next(line for line in lines if line.startswith("C-007"))
    assert christmas.endswith("12.0%  over")


def test_cure_on_a_day(capsys):
    lines = run(capsys, "cure", "--on", "2026-05-20")
    assert len(lines) == 18
    assert lines[-1].startswith("S-008") and lines[-1].endswith("10 days to go")


def test_sales_per_fair(capsys, tmp_path):
    out = tmp_path / "takings.csv"
    lines = run(capsys, "sales", "--sales", str(DATA / "sales.csv"), "--csv", str(out))
    assert len(lines) == 6
    assert lines[-1] == "best: Church Stretton May Fair on 2026-05-02 (£144.50)"
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["takings"] for row in rows] == ["94.00", "105.00", "144.50", "108.00", "61.00"]


def test_sales_by_batch(capsys):
    lines = run(capsys, "sales", "--sales", str(DATA / "sales.csv"), "--by-batch")
    assert lines[0].split()[-2:] == ["sold", "out"]
    assert lines[-1] == "nothing sold yet: S-007, S-008, C-009, S-009"


def test_a_bad_file_is_one_line_and_exit_1(capsys, tmp_path):
    assert main(["--file", str(tmp_path / "missing.csv"), "batches"]) == 1
    assert capsys.readouterr().err.startswith("pourlog: ")
