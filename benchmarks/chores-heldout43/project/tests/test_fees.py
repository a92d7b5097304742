from datetime import date

import pytest

from moorlog.fees import charged_length, fees_by_boat, fees_by_pontoon, nightly_rate, stay_fee, total_fees
from moorlog.log import Stay


def test_length_is_rounded_up_to_the_half_metre():
    assert [charged_length(x) for x in (8.5, 9.1, 7.92, 12.0)] == [8.5, 9.5, 8.0, 12.0]


def test_nightly_rate():
    assert nightly_rate(8.5) == pytest.approx(23.80)
    assert nightly_rate(12.8) == pytest.approx(44.20)  # large-boat rate


def test_a_week_gets_the_discount():
    assert stay_fee(7.92, 7) == pytest.approx(141.12)
    assert stay_fee(7.92, 6) == pytest.approx(134.40)


def test_totals():
    stays = [Stay(date(2026, 5, 1), "Sea Wren", "A3", 8.5, 2), Stay(date(2026, 5, 2), "Tern", "V2", 5.79, 1),
             Stay(date(2026, 5, 9), "Sea Wren", "A3", 8.5, 4)]
    assert fees_by_boat(stays) == {"Sea Wren": pytest.approx(142.80), "Tern": pytest.approx(16.80)}
    assert fees_by_pontoon(stays) == {"A": pytest.approx(142.80), "V": pytest.approx(16.80)}
    assert total_fees(stays) == pytest.approx(159.60)
