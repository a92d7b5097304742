from pathlib import Path

from leaven.cli import main

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds.csv"


def run(capsys, *args):
    assert main(["--file", str(DATA), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_feeds_prints_a_line_per_feed(capsys):
    lines = run(capsys, "feeds")
    assert len(lines) == 24
    assert lines[0].split()[:3] == ["2026-03-02", "07:30", "rye"]
    assert lines[2].endswith("sluggish")


def test_feeds_since(capsys):
    lines = run(capsys, "feeds", "--since", "2026-03-13")
    assert [line.split()[1] for line in lines] == ["07:20", "19:25", "07:45"]


def test_flour(capsys):
    lines = run(capsys, "flour")
    assert lines[0] == "week of 2026-03-02: rye 600 g, spelt 200 g, white 450 g, wholewheat 200 g"
    assert any("rye" in line and "lasts 15 days" in line for line in lines)


# TODO: a test of `flour` and `ready` on an empty log
def test_ready(capsys):
    lines = run(capsys, "ready")
    assert lines[0].startswith("ready to bake")
