from __future__ import annotations

from pathlib import Path

import pytest

from timesheet.billing import BillingError, invoice_lines, invoice_total, load_rates, rate_for, round_hours
from timesheet.entries import Entry


def test_rate_for_prefers_the_most_specific_rate(rates_csv: Path) -> None:
    rates = load_rates(rates_csv)
    assert rate_for(rates, "chloe", "acme-web") == 110
    assert rate_for(rates, "ana", "harbour-app") == 95  # the person's rate before the project's
    assert rate_for(rates, "ben", "harbour-app") == 90
    assert rate_for(rates, "ben", "acme-web") == 85


def test_rate_for_without_a_default() -> None:
    with pytest.raises(BillingError, match="no rate for ben on acme-web"):
        rate_for({("ana", "*"): 95.0}, "ben", "acme-web")


def test_round_hours_rounds_up_to_the_quarter() -> None:
    assert round_hours(7.1) == 7.25
    assert round_hours(7.25) == 7.25
    assert round_hours(0.1 + 0.2, increment=0.1) == pytest.approx(0.3)
    with pytest.raises(ValueError):
        round_hours(1, increment=0)


def test_invoice_lines_bill_only_billable_hours(week_of_work: list[Entry]) -> None:
    rates = {("*", "*"): 80.0, ("ana", "*"): 100.0}
    lines = invoice_lines(week_of_work, rates)
    assert [(line.project, line.person, line.hours, line.amount) for line in lines] == [
        ("acme-web", "ana", 7.25, 725.0),
        ("harbour-app", "ben", 5.5, 440.0),
    ]
    assert invoice_total(lines) == 1165.0
    assert invoice_total(lines, discount=0.1) == 1048.5


def test_load_rates_names_the_bad_line(tmp_path: Path) -> None:
    rates = tmp_path / "rates.csv"
    rates.write_text("person,project,rate\n*,*,85\nana,*,ninety\n", encoding="utf-8")
    with pytest.raises(BillingError, match="line 3: bad rate 'ninety'"):
        load_rates(rates)
