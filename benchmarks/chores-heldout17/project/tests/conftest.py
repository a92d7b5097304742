from datetime import date

import pytest

from allot.plots import Plot


@pytest.fixture
def make_plot():
    def make(plot="A1", area_m2=252.9, since=date(2015, 1, 1), concession=False, cultivated=90,
             inspected=date(2026, 6, 1), holder="Test Holder"):
        return Plot(plot, holder, area_m2, since, concession, cultivated, inspected)

    return make
