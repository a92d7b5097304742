from datetime import date

from stringlog.log import StringChange
from stringlog.stats import spend_by_year, summary


def test_summary_per_guitar():
    changes = [
        StringChange(date(2025, 1, 1), "tele", "a", (10, 46), False, 8.0, 30.0),
        StringChange(date(2025, 3, 2), "tele", "a", (10, 46), False, 7.5, None),
        StringChange(date(2025, 2, 1), "strat", "b", (10, 46), False, None, 20.0),
    ]
    rows = {row.guitar: row for row in summary(changes)}
    assert rows["tele"].changes == 2 and rows["tele"].mean_interval == 60
    assert rows["tele"].mean_hours == 30.0 and rows["tele"].spent == 15.5
    assert rows["strat"].mean_interval is None and rows["strat"].spent == 0


def test_spend_by_year():
    changes = [
        StringChange(date(2025, 12, 1), "tele", "a", (10, 46), False, 8.0),
        StringChange(date(2026, 1, 1), "tele", "a", (10, 46), False, 7.5),
    ]
    assert spend_by_year(changes) == {2025: 8.0, 2026: 7.5}
