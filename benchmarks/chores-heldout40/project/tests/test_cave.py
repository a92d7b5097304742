from datetime import date

from curdlog.batches import Batch
from curdlog.cave import in_cave


def wheel(name, made, style="Gouda", aged_g=None):
    return Batch(name, made, style, 10.0, 2.5, 1100.0, None if aged_g is None else 60, aged_g)


def test_in_cave_keeps_unopened_wheels_made_by_then():
    batches = [
        wheel("B1", date(2026, 1, 1)),
        wheel("B2", date(2026, 1, 5), aged_g=1000.0),
        wheel("B3", date(2026, 3, 20)),
        wheel("B4", date(2026, 2, 1), style="Mozzarella"),
    ]
    entries = in_cave(batches, date(2026, 3, 1))
    assert [entry.batch.batch for entry in entries] == ["B1"]
    assert entries[0].age_days == 59
    assert entries[0].ready_on == date(2026, 3, 2)
    assert not entries[0].ready(date(2026, 3, 1))


def test_in_cave_soonest_first():
    batches = [wheel("B1", date(2026, 1, 1)), wheel("B2", date(2026, 2, 1), style="Feta")]
    assert [entry.batch.batch for entry in in_cave(batches, date(2026, 3, 1))] == ["B2", "B1"]
