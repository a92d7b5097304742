from gamenight.cli import main


def test_ratings_lists_regulars_only(capsys):
    assert main(["ratings"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["1.", "Ana"]
    assert len(lines) == 6


def test_ratings_nobody(capsys):
    assert main(["ratings", "--min-plays", "99"]) == 0
    assert "nobody has 99 rated plays" in capsys.readouterr().out


def test_streaks(capsys):
    assert main(["streaks"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.split()[0] == "Ben" and first.endswith("longest streak 13")


def test_suggest_none_fits(capsys):
    assert main(["suggest", "9"]) == 1
    assert "no game" in capsys.readouterr().err


def test_missing_file_is_an_error(tmp_path, capsys):
    assert main(["--plays", str(tmp_path / "nope.csv"), "ratings"]) == 2
    assert capsys.readouterr().err.startswith("gamenight:")
