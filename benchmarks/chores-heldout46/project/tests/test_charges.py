import pytest
from spokes.charges import labour_charge, suggested_donation, verdict

from tests.helpers import job


@pytest.mark.parametrize(("minutes", "pence"), [(0, 0), (10, 0), (15, 0), (20, 200), (40, 400), (50, 600)])
def test_labour_charge(minutes, pence):
    assert labour_charge(minutes) == pence


def test_labour_is_capped():
    assert labour_charge(200) == 2400
    assert labour_charge(500) == 2400


def test_a_concession_halves_the_labour():
    assert labour_charge(40, concession=True) == 200
    assert labour_charge(400, concession=True) == 1200


def test_suggested_donation_is_parts_plus_labour():
    assert suggested_donation(job(minutes=25, parts=[("chain", 1400), ("bolts", 60)])) == 1660
    assert suggested_donation(job(minutes=25, parts=[("chain", 1400)], concession=True)) == 1500


def test_verdict():
    assert verdict(job(minutes=25, donation=200)) == "covered"
    assert verdict(job(minutes=25, donation=100)) == "part paid"
    assert verdict(job(minutes=25, donation=99)) == "short"
    assert verdict(job(minutes=25, collected=None)) == "waiting"
