from datetime import date, time

import pytest
from obslog.records import load_log, parse_row

HEADER = "date,time,site,scope,aperture,focal,eyepiece,target,mag,seeing,transp,notes\n"


def row(**fields):
    base = {
        "date": "2026-02-14", "time": "21:30", "site": "Back garden", "scope": "Dob", "aperture": "200mm",
        "focal": "1200mm", "eyepiece": "25mm", "target": "M44", "mag": "3.7", "seeing": "II", "transp": "4",
        "notes": "",
    }
    base.update(fields)
    return base


def test_parse_row_reads_every_field():
    obs = parse_row(row())
    assert (obs.day, obs.clock, obs.site, obs.target) == (date(2026, 2, 14), time(21, 30), "Back Garden", "M44")
    assert (obs.aperture_mm, obs.focal_mm, obs.mag, obs.seeing, obs.transparency) == (200.0, 1200.0, 3.7, 2, 4)
    assert obs.power == pytest.approx(48.0)


def test_an_eyepiece_with_a_barlow_doubles_the_power():
    assert parse_row(row(eyepiece="10mm + 2x barlow")).power == pytest.approx(240.0)


def test_a_focal_ratio_uses_the_aperture():
    assert parse_row(row(aperture='8"', focal="f/6")).focal_mm == pytest.approx(1219.2)


def test_a_bad_row_names_its_line(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + "2026-02-14,21:30,garden,Dob,200mm,1200mm,25mm,M44,3.7,II,4,\n"
                   "2026-02-14,21:40,garden,Dob,200mm,1200mm,plossl,M44,3.7,II,4,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        load_log(log)


def test_load_log_sorts_by_day_and_time(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + "2026-02-15,00:20,garden,Dob,200mm,1200mm,25mm,M51,8.4,II,4,\n"
                   "14/02/2026,21:30,garden,Dob,200mm,1200mm,25mm,M44,3.7,II,4,\n"
                   "2026-02-14,,garden,Dob,200mm,1200mm,25mm,Moon,,II,4,\n", encoding="utf-8")
    assert [obs.target for obs in load_log(log)] == ["Moon", "M44", "M51"]
