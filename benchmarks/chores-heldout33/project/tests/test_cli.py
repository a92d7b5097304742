from pathlib import Path

from fairway.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    code = main(["--file", str(DATA / "rounds.csv"), "--courses", str(DATA / "courses.toml"), *args])
    assert code == 0
    return capsys.readouterr().out.splitlines()


def test_rounds_lists_every_round(capsys):
    lines = run(capsys, "rounds")
    assert len(lines) == 26
    assert lines[0].split()[:3] == ["2026-03-07", "Hollins", "Park"]
    assert lines[8].split()[-2:] == ["NR", "-"]


def test_rounds_since(capsys):
    lines = run(capsys, "rounds", "--since", "2026-05-20")
    assert [line.split()[0] for line in lines] == ["2026-05-20", "2026-05-23", "2026-05-27", "2026-05-30", "2026-06-02"]


def test_index(capsys):
    lines = run(capsys, "index")
    assert lines[0].startswith("handicap index ")
    assert len(lines) == 21
    assert sum(line.startswith("*") for line in lines) == 8


def test_stats(capsys):
    lines = run(capsys, "stats")
    assert [line.split()[0] for line in lines[:4]] == ["2026-03", "2026-04", "2026-05", "2026-06"]


def test_strokes(capsys):
    assert run(capsys, "strokes", "westgate", "--tees", "white")[0].startswith("Westgate Links, white tees (par 72): ")
