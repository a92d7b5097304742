from datetime import date

import pytest

from roastlog.roasts import Roast


@pytest.fixture
def make_roast():
    def make(batch="T001", day=date(2026, 3, 1), bean="Test Bean", green_g=250.0, roasted_g=215.0,
             first_crack_s=540, drop_s=660):
        return Roast(batch, day, bean, green_g, roasted_g, first_crack_s, drop_s)

    return make
