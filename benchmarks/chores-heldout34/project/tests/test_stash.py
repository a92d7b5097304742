from datetime import date

import pytest

from yarnstash.stash import load_stash, parse_row


def row(**changes):
    base = {"name": "Rios", "brand": "Malabrigo", "weight": "worsted", "fibre": "Merino", "colour": "Teal",
            "skeins": "3", "length": "192m", "bought": "2025-11-02"}
    return {**base, **changes}


def test_parse_row():
    yarn = parse_row(row())
    assert (yarn.weight, yarn.fibre, yarn.skeins, yarn.metres_per_skein) == ("worsted", "merino", 3.0, 192.0)
    assert yarn.bought == date(2025, 11, 2)
    assert yarn.metres == 576.0


def test_part_used_skein():
    assert parse_row(row(skeins="2.5")).metres == pytest.approx(480.0)


def test_negative_skeins():
    with pytest.raises(ValueError):
        parse_row(row(skeins="-1"))


def test_load_stash():
    yarns = load_stash("data/stash.csv")
    assert len(yarns) == 15
    assert yarns[0].name == "Rios"
    # TODO: a test for the yards rows of the real file
