from pathlib import Path

from brinelog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "jars.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_jars_lists_every_jar(capsys):
    lines = run(capsys, "jars")
    assert len(lines) == 17
    assert lines[2].split()[:3] == ["J03", "2026-02-20", "cucumber"]


def test_jars_since_and_status(capsys):
    lines = run(capsys, "jars", "--since", "2026-03-15", "--status", "fermenting")
    assert [line.split()[0] for line in lines] == ["J14", "J16", "J17"]


def test_brine_ratings(capsys):
    lines = run(capsys, "brine")
    assert lines[10].split()[-2:] == ["too", "weak"]
    assert lines[14].endswith("too salty")


def test_summary(capsys):
    lines = run(capsys, "summary")
    assert lines[3].startswith("cucumber     6 jars  2 opened  1 spoiled")


def test_ready_on(capsys):
    lines = run(capsys, "ready", "--on", "2026-03-22")
    assert [line.split()[0] for line in lines] == ["J08", "J05"]
