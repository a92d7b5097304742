from datetime import date

from henhouse.eggs import Egg
from henhouse.laying import status, summarise_hens


def test_status_by_days_since_the_last_egg():
    assert [status(days) for days in (0, 2, 3, 6, 7, 30)] == [
        "laying", "laying", "slowing", "slowing", "off lay", "off lay",
    ]


def test_summaries_in_flock_order_with_today_the_last_day():
    eggs = [
        Egg(date(2026, 3, 2), "Dot", 52.0),
        Egg(date(2026, 3, 2), "Marigold", 62.0),
        Egg(date(2026, 3, 3), "Marigold", 64.0),
        Egg(date(2026, 3, 12), "Marigold", 63.0),
    ]
    summaries = summarise_hens(eggs)
    assert [s.hen for s in summaries] == ["Marigold", "Dot"]
    marigold, dot = summaries
    assert (marigold.eggs, marigold.mean_weight_g, marigold.last_day) == (3, 63.0, date(2026, 3, 12))
    assert (marigold.days_since, marigold.status) == (0, "laying")
    assert (dot.days_since, dot.status) == (10, "off lay")
    assert marigold.rate > dot.rate


def test_today_can_be_given():
    eggs = [Egg(date(2026, 3, 2), "Pepper", 58.0), Egg(date(2026, 3, 4), "Pepper", 59.0)]
    (pepper,) = summarise_hens(eggs, today=date(2026, 3, 8))
    assert (pepper.days_since, pepper.status) == (4, "slowing")


def test_no_eggs_no_summaries():
    assert summarise_hens([]) == []
