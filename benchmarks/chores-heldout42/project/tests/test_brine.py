import pytest

from brinelog.brine import parse_brine, rate_brine, salt_for


def test_percent_and_grams_per_litre():
    assert parse_brine("3.5%") == pytest.approx(3.5)
    assert parse_brine(" 5.5 % ") == pytest.approx(5.5)
    assert parse_brine("35 g/L") == pytest.approx(3.5)
    assert parse_brine("20g/l") == pytest.approx(2.0)


def test_spoons_per_measure():
    assert parse_brine("2 tbsp per quart") == pytest.approx(3.594, abs=0.001)
    assert parse_brine("1 tbsp/pint") == pytest.approx(3.594, abs=0.001)
    assert parse_brine("3 tsp per litre") == pytest.approx(1.7)


def test_junk_is_refused():
    for text in ("salty", "", "0%", "2 handfuls per quart"):
        with pytest.raises(ValueError):
            parse_brine(text)


def test_ratings():
    ratings = [rate_brine(p) for p in (1.7, 2.0, 3.5, 5.5, 9.0)]
    assert ratings == ["too weak", "light", "standard", "strong", "too salty"]


def test_salt_for_a_litre_and_a_half():
    assert salt_for(1.5, 3.5) == pytest.approx(52.5)
