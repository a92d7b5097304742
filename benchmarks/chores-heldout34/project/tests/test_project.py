from datetime import date

import pytest

from yarnstash.project import check_yarn, find_yarn, skeins_needed
from yarnstash.stash import Yarn


def test_skeins_needed_adds_the_spare_and_rounds_up():
    assert skeins_needed(500, 100) == 6  # 550 m
    assert skeins_needed(1000, 110) == 10  # exactly 1100 m
    assert skeins_needed(0, 100) == 0


def test_skeins_needed_bad_skein():
    with pytest.raises(ValueError):
        skeins_needed(100, 0)


def test_verdict():
    yarn = Yarn("Nepal", "Drops", "aran", "wool", "Mustard", 2.5, 75, date(2026, 1, 1))
    verdict = check_yarn(yarn, 200)  # 220 m: 3 skeins
    assert (verdict.needed, verdict.enough, verdict.short) == (3, False, 1)
    assert check_yarn(yarn, 100).enough  # 110 m: 2 skeins


def test_find_yarn():
    yarns = [Yarn("Nepal", "Drops", "aran", "wool", "x", 1, 75, date(2026, 1, 1))]
    assert find_yarn(yarns, "drops") == yarns
    assert find_yarn(yarns, "rowan") == []
