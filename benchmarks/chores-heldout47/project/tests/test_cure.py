from datetime import date

from pourlog.batches import Batch
from pourlog.cure import DEFAULT_CURE_DAYS, cure_days, cure_states, ready_on


def batch(code, made, product, cure=None):
    return Batch(code, made, product, "Lavender", 1000, 50, cure, 10)


def test_the_logged_cure_wins():
    assert cure_days(batch("S-001", date(2026, 3, 3), "cold process", 42)) == 42


def test_a_blank_cure_is_the_products_usual_one():
    assert cure_days(batch("S-001", date(2026, 3, 3), "cold process")) == DEFAULT_CURE_DAYS["cold process"] == 28


def test_ready_on_counts_from_the_day_made():
    # TODO: a batch made on 29 February (the next one is in 2028)
    assert ready_on(batch("C-001", date(2026, 3, 2), "container")) == date(2026, 3, 16)
    assert ready_on(batch("S-001", date(2026, 3, 3), "cold process")) == date(2026, 3, 31)


def test_cure_states_soonest_first_with_the_days_to_go():
    states = cure_states(
        [batch("S-001", date(2026, 3, 3), "cold process"), batch("C-001", date(2026, 3, 2), "container")],
        date(2026, 3, 20),
    )
    assert [state.batch.code for state in states] == ["C-001", "S-001"]
    assert [state.days_left for state in states] == [0, 11]
    assert [state.status for state in states] == ["ready", "11 days to go"]
