from __future__ import annotations

from datetime import date

from shelf.fees import calc_fee, fees_by_member
from shelf.loans import Loan

DUE_FEB_1 = date(2026, 1, 11)  # borrowed on this day, due back on 2026-02-01


def test_no_fee_within_the_grace_days() -> None:
    assert calc_fee(Loan("x", "M1", DUE_FEB_1), date(2026, 2, 3)) == 0


def test_fee_per_day_after_the_grace_days() -> None:
    assert calc_fee(Loan("x", "M1", DUE_FEB_1), date(2026, 2, 4)) == 25
    assert calc_fee(Loan("x", "M1", DUE_FEB_1), date(2026, 2, 11)) == 200


def test_fee_is_capped() -> None:
    assert calc_fee(Loan("x", "M1", DUE_FEB_1), date(2026, 6, 1)) == 1000


def test_fees_by_member_adds_up_and_leaves_out_members_who_owe_nothing() -> None:
    loans = [
        Loan("a", "M1", DUE_FEB_1),
        Loan("b", "M1", date(2026, 1, 18)),
        Loan("c", "M2", date(2026, 2, 10)),
    ]
    assert fees_by_member(loans, date(2026, 2, 11)) == {"M1": 200 + 25}
