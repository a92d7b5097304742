from datetime import time

from qsolog.stats import busiest_hour, by_band, modes_by_band, tally

from tests.helpers import qso

LOG = [
    qso("DL1ABC", 14.020, at=time(9, 5)),
    qso("F5XYZ", 7.018, "SSB", at=time(9, 40)),
    qso("G4ABC", 14.200, "SSB", at=time(10, 1)),
    qso("OK2PQ", 14.074, "FT8", at=time(10, 30)),
    qso("JA1XYZ", 21.074, "FT8", at=time(11, 0)),
]


def test_tally():
    assert tally(LOG, lambda contact: contact.mode) == {"CW": 1, "SSB": 2, "FT8": 2}


def test_by_band_in_frequency_order():
    assert list(by_band(LOG).items()) == [("40m", 1), ("20m", 3), ("15m", 1)]


def test_modes_by_band():
    assert modes_by_band(LOG)["20m"] == {"CW": 1, "SSB": 1, "FT8": 1}


def test_busiest_hour_earliest_on_a_tie():
    assert busiest_hour(LOG) == (9, 2)
    assert busiest_hour(LOG[2:]) == (10, 2)


def test_busiest_hour_of_nothing():
    assert busiest_hour([]) is None
