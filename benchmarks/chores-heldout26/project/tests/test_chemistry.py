from datetime import date

from filmlog.chemistry import fixer_report, fixer_status, rolls_per_developer, verdict
from filmlog.rolls import Roll


def rolls(*days, developer="D-76 1+1"):
    return [Roll(date(2026, 3, day), "HP5 Plus", 400, developer, 780, 20.0) for day in days]


def test_verdicts():
    assert verdict(5, 24, 10) == "fresh"
    assert verdict(18, 24, 10) == "tired"
    assert verdict(5, 24, 45) == "tired"
    assert verdict(24, 24, 10) == "exhausted"
    assert verdict(0, 24, 60) == "exhausted"


def test_fixer_status_counts_the_rolls_since_it_was_mixed():
    status = fixer_status(rolls(1, 5, 9, 20), date(2026, 3, 5), litres=0.5, today=date(2026, 3, 10))
    assert (status.rolls, status.capacity, status.age_days, status.verdict) == (2, 12, 5, "fresh")


def test_rolls_per_developer():
    log = rolls(1, 2) + rolls(3, developer="Rodinal 1+50") + rolls(4, developer="rodinal 1:25")
    assert rolls_per_developer(log) == {"d-76": 2, "rodinal": 2}


def test_fixer_report():
    text = fixer_report(rolls(1, 2, 3), date(2026, 3, 1), today=date(2026, 3, 3))
    assert text == "3/24 rolls, 2 days old: fresh"
