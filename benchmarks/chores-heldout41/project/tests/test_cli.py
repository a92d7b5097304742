from pathlib import Path

from walkies.cli import main

DATA = Path(__file__).resolve().parent.parent / "data" / "walks.csv"


def run(capsys, *args):
    assert main(["--file", str(DATA), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_walks_lists_every_walk(capsys):
    lines = run(capsys, "walks")
    assert len(lines) == 41
    assert lines[0].split() == ["2026-03-02", "Biscuit", "Okafor", "60", "min", "4.2", "km", "group", "£13.00"]


def test_walks_kind_and_since(capsys):
    lines = run(capsys, "walks", "--kind", "solo", "--since", "2026-03-15")
    assert [line.split()[1] for line in lines] == ["Luna", "Pepper", "Luna"]


def test_invoice_for_one_owner_and_week(capsys):
    lines = run(capsys, "invoice", "--week", "2026-03-18", "--owner", "okafor")
    assert lines[0] == "Okafor — week of 2026-03-16"
    assert lines[-1].split() == ["total", "£44.00"]


def test_invoice_totals(capsys):
    lines = run(capsys, "invoice", "--totals", "--week", "2026-03-04")
    assert [line.split()[0] for line in lines] == ["Hughes", "Lindqvist", "O'Neill", "Okafor", "Patel"]


def test_dogs(capsys):
    lines = run(capsys, "dogs")
    assert [line.split()[0] for line in lines] == ["Biscuit", "Bramble", "Juno", "Luna", "Mr", "Pepper"]


def test_invoice_save(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run(capsys, "invoice", "--week", "2026-03-02", "--owner", "Patel", "--save")
    saved = tmp_path / "invoices" / "2026-03-02" / "patel.txt"
    assert saved.read_text(encoding="utf-8").splitlines()[-1].split() == ["total", "£62.00"]
