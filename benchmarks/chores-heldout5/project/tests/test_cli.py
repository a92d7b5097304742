import shutil
import subprocess
import sys
from pathlib import Path

from gradebook.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_report_prints_every_student(data_dir, capsys):
    assert main(["report", str(data_dir / "scores.csv")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "CS 101 - Fall 2026"
    for name in ("Ana Lima", "Ben Okafor", "Chloe Martin", "Dev Patel", "Eva Novak", "Farid Haddad"):
        assert name in out


def test_letters_on_the_registrar_scale(data_dir, capsys):
    args = ["letters", str(data_dir / "scores.csv"), "--scale", str(data_dir / "grade_scale.json")]
    assert main(args) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.split()[0] == "A"


def test_a_missing_course_file_is_one_line_on_stderr(tmp_path, data_dir, capsys):
    shutil.copy(data_dir / "scores.csv", tmp_path / "scores.csv")
    assert main(["report", str(tmp_path / "scores.csv")]) == 1
    assert capsys.readouterr().err.startswith("gradebook: ")


def test_python_dash_m(data_dir):
    # TODO: also cover --version
    result = subprocess.run(
        [sys.executable, "-m", "gradebook", "letters", str(data_dir / "scores.csv")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["A", "B", "C", "D", "F"]
