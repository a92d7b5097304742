from datetime import date
from pathlib import Path

import pytest
from qsolog.contacts import read_contacts
from qsolog.scoring import points_for, score_log

from tests.helpers import qso

DATA = Path(__file__).resolve().parent.parent / "data"


def test_points_per_mode():
    assert [points_for(mode) for mode in ("CW", "FT8", "RTTY", "SSB", "FM")] == [3, 2, 2, 1, 1]
    with pytest.raises(ValueError):
        points_for("SSTV")


def test_a_dupe_scores_nothing():
    score = score_log([qso("DL1ABC", 7.012), qso("DL1ABC", 7.020)])
    assert (score.qsos, score.dupes, score.points, score.multipliers) == (2, 1, 3, 1)


def test_a_portable_call_is_the_same_station():
    score = score_log([qso("G4ABC/P", 7.155, "SSB"), qso("G4ABC", 7.150, "SSB")])
    assert score.dupes == 1 and score.points == 1


def test_multipliers_are_the_prefixes_worked_once():
    score = score_log([qso("G4ABC", 14.020), qso("G4XYZ", 14.030, "SSB"), qso("G3AAA", 21.010)])
    assert score.multipliers == 2  # G4 and G3
    assert score.points == 7
    assert score.total == 14


def test_non_contest_bands_are_left_out():
    score = score_log([qso("SP3XYZ", 10.118), qso("OK2PQ", 18.100, "FT8"), qso("F5XYZ", 7.018)])
    assert score.qsos == 1 and score.points == 3


def test_one_day():
    contacts = [qso("DL1ABC", 7.012, day=date(2026, 5, 2)), qso("F5XYZ", 7.018, "SSB", day=date(2026, 5, 3))]
    score = score_log(contacts, date(2026, 5, 3))
    assert (score.qsos, score.points, score.multipliers) == (1, 1, 1)


def test_the_log():
    score = score_log(read_contacts(DATA / "log.csv"), date(2026, 5, 3))
    assert (score.qsos, score.dupes, score.points, score.multipliers, score.total) == (4, 0, 10, 4, 40)
    # TODO: a test of the whole weekend's score, once the contest rules are settled
