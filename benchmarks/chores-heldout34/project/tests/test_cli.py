from yarnstash import __version__
from yarnstash.cli import main


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "Malabrigo Rios (Teal Feather): worsted, merino, 3 x 192 m" in out
    assert out.strip().endswith("15 yarns")


def test_list_fibre(capsys):
    assert main(["list", "--fibre", "Cotton"]) == 0
    assert capsys.readouterr().out.strip().endswith("2 yarns")


def test_totals(capsys):
    assert main(["totals"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("lace")
    assert lines[-1].startswith("all")


def test_enough(capsys):
    assert main(["enough", "nepal", "400"]) == 0  # 440 m of 75 m skeins: 6
    assert "enough (6 skeins needed, 6 in the stash)" in capsys.readouterr().out
    assert main(["enough", "nepal", "420"]) == 0
    assert "short by 1 skeins" in capsys.readouterr().out


def test_version():
    assert __version__ == "0.6.1"
