import pytest
from spokes import __version__
from spokes.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"spokes {__version__}"


def test_jobs_lists_every_job(capsys):
    assert main(["jobs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 21
    line = next(line for line in lines if line.startswith("410 "))
    assert line.split()[-3:] == ["£17.60", "£20.00", "covered"]


def test_jobs_open(capsys):
    assert main(["jobs", "--open"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["407", "414", "416"]
    assert all(line.endswith("waiting") for line in lines)


def test_jobs_slips(capsys, tmp_path):
    assert main(["jobs", "--open", "--slips", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["job-407.txt", "job-414.txt", "job-416.txt"]
    assert "£16.00" in (tmp_path / "job-407.txt").read_text(encoding="utf-8")


def test_mechanics(capsys):
    assert main(["mechanics"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split()[:2] == ["Dave", "7"]


def test_takings_month(capsys):
    assert main(["takings", "--month", "2026-05"]) == 0
    assert capsys.readouterr().out.startswith("2026-05   2 jobs")


def test_an_empty_log(capsys, tmp_path):
    log = tmp_path / "jobs.csv"
    log.write_text("job,booked_in,bike,work,parts,labour,mechanic,concession,donation,collected\n", encoding="utf-8")
    assert main(["--file", str(log), "jobs"]) == 0
    assert capsys.readouterr().out == "no jobs\n"
