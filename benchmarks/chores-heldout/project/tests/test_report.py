from __future__ import annotations

from pathlib import Path

from timesheet.billing import load_rates
from timesheet.entries import Entry, load_entries
from timesheet.report import format_hours, format_money, render_report, summary_table


def test_format_hours_and_money() -> None:
    assert [format_hours(h) for h in (7.5, 0.25, 3.1, -1.5)] == ["7h30", "0h15", "3h06", "-1h30"]
    assert format_money(1234.5) == "1,234.50 EUR"


def test_summary_table_as_markdown(week_of_work: list[Entry]) -> None:
    assert summary_table(week_of_work, "person", markdown=True).splitlines() == [
        "| person | hours |",
        "|---|---|",
        "| ana | 7h06 |",
        "| ben | 7h30 |",
        "| total | 14h36 |",
    ]


def test_report_has_billing_only_with_rates(export_csv: Path, rates_csv: Path) -> None:
    entries = load_entries(export_csv)
    plain = render_report(entries)
    assert "Hours per week" in plain and "Busiest week: 2026-W45" in plain
    assert "Billing" not in plain
    billed = render_report(entries, load_rates(rates_csv), markdown=True)
    assert "## Billing" in billed and "| chloe | acme-web | 110.00 |" in billed
