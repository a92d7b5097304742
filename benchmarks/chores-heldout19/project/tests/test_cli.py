from roastlog.cli import main


def test_roasts_lists_loss_and_level(capsys):
    assert main(["roasts", "--bean", "huila"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("R002  2026-03-10  Colombia Huila")
    assert lines[0].endswith("12.7%  light")


def test_profile_marks_a_batch_without_first_crack(capsys):
    assert main(["profile", "--bean", "cerrado"]) == 0
    out = capsys.readouterr().out
    assert out.count("no crack") == 2


def test_rest_on_a_day(capsys):
    assert main(["rest", "--on", "2026-03-20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["R002", "R003", "R004", "R005", "R001"]
    assert lines[3].endswith("resting")
    assert lines[-1].startswith("R001") and lines[-1].endswith("stale")
    assert not any(line.startswith("R006") for line in lines)  # roasted after that day


def test_a_missing_data_file_is_an_error(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "none.csv"), "roasts"]) == 2
    assert "roastlog:" in capsys.readouterr().err
    # TODO: test the rest command with --data pointing at a file with a header and no rows
