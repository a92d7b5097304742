from datetime import date
from pathlib import Path

from tanklog.readings import load_readings

DATA = Path(__file__).resolve().parent.parent / "data"


def test_load_readings_keeps_the_file_order():
    readings = load_readings(DATA / "readings.csv")
    assert len(readings) == 14
    assert readings[0].tank == "Reef" and readings[0].day == date(2026, 5, 1)
    assert readings[12].day == date(2026, 5, 6)


def test_load_readings_converts_fahrenheit():
    readings = load_readings(DATA / "readings.csv")
    assert readings[4].celsius == 25.3  # 77.5F


def test_load_readings_skips_a_blank_last_line(tmp_path):
    path = tmp_path / "readings.csv"
    path.write_text("date,tank,temp,ph,ammonia,nitrite,nitrate\n2026-05-01,Reef,25C,8.2,0,0,5\n,,,,,,\n")
    assert len(load_readings(path)) == 1
