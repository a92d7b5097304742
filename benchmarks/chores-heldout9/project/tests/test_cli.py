from pathlib import Path

from plantcare.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--plants", str(DATA / "plants.csv"), "--log", str(DATA / "waterings.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_due_lists_the_plants_that_need_water(capsys):
    lines = run(capsys, "due", "--date", "2026-04-20")
    assert lines[0].startswith("String of pearls") and lines[0].endswith("never watered")
    assert any(line.startswith("Rubber plant") and line.endswith("8 days overdue") for line in lines)


def test_plan_prints_one_line_per_day(capsys):
    lines = run(capsys, "plan", "--from", "2026-04-20", "--days", "3")
    assert [line.split()[0] for line in lines] == ["2026-04-20", "2026-04-21", "2026-04-22"]


def test_water_appends_to_the_log(capsys, tmp_path):
    log = tmp_path / "log.csv"
    assert main(["--plants", str(DATA / "plants.csv"), "--log", str(log), "water", "mint", "--date", "2026-04-21"]) == 0
    assert capsys.readouterr().out.strip() == "Mint: 100 ml on 2026-04-21"
    assert log.read_text(encoding="utf-8").splitlines()[-1] == "2026-04-21,Mint,100,no"


def test_water_refuses_an_unknown_plant(capsys, tmp_path):
    log = tmp_path / "log.csv"
    assert main(["--plants", str(DATA / "plants.csv"), "--log", str(log), "water", "Cactus"]) == 1
    assert "no plant called" in capsys.readouterr().err
    assert not log.exists()
