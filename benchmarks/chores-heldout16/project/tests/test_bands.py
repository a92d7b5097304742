import pytest
from qsolog.bands import band_for, is_contest_band, normalise_band


def test_band_for():
    freqs = (1.836, 3.760, 7.074, 14.0, 14.35, 21.2, 29.6, 145.5)
    assert [band_for(freq) for freq in freqs] == ["160m", "80m", "40m", "20m", "20m", "15m", "10m", "2m"]


def test_band_for_outside_the_bands():
    for freq in (7.3, 11.0, 0.5, 146.5):
        with pytest.raises(ValueError):
            band_for(freq)


def test_normalise_band():
    assert normalise_band("20") == normalise_band("20M") == normalise_band(" 20 m") == "20m"
    with pytest.raises(ValueError):
        normalise_band("11")


def test_contest_bands():
    assert is_contest_band("20m") and is_contest_band("160m")
    assert not any(is_contest_band(band) for band in ("60m", "30m", "17m", "12m"))
