from datetime import date

from plantcare.log import Watering
from plantcare.plants import Plant
from plantcare.schedule import days_overdue, due_plants, interval_on, next_due, plan

FERN = Plant("Fern", "Nephrolepis exaltata", "bathroom", 4, 3.0, "low")
ALOE = Plant("Aloe", "Aloe vera", "kitchen", 21, 2.0, "bright")
MINT = Plant("Mint", "Mentha spicata", "kitchen", 3, 1.0, "bright")


def test_next_due_adds_the_interval():
    assert next_due(FERN, date(2026, 4, 10)) == date(2026, 4, 14)


def test_winter_intervals_are_longer():
    assert interval_on(FERN, date(2026, 12, 1)) == 6
    assert interval_on(FERN, date(2026, 6, 1)) == 4


def test_days_overdue():
    assert days_overdue(FERN, date(2026, 4, 10), date(2026, 4, 16)) == 2
    assert days_overdue(FERN, date(2026, 4, 10), date(2026, 4, 12)) == -2


def test_due_plants_most_overdue_first():
    log = [Watering(date(2026, 4, 10), "Fern", 170), Watering(date(2026, 4, 12), "Mint", 100)]
    due = due_plants([FERN, MINT, ALOE], log, date(2026, 4, 16))
    assert [(plant.name, overdue) for plant, overdue in due] == [("Aloe", None), ("Fern", 2), ("Mint", 1)]


def test_later_waterings_do_not_count():
    log = [Watering(date(2026, 4, 10), "Fern", 170), Watering(date(2026, 4, 20), "Fern", 170)]
    assert [(plant.name, overdue) for plant, overdue in due_plants([FERN], log, date(2026, 4, 15))] == [("Fern", 1)]


def test_plan_waters_each_plant_on_time():
    log = [Watering(date(2026, 4, 10), "Fern", 170), Watering(date(2026, 4, 12), "Mint", 100)]
    days = plan([FERN, MINT], log, date(2026, 4, 13), days=5)
    assert [(day.day, [plant.name for plant in todo]) for day, todo in days] == [
        (13, []),
        (14, ["Fern"]),
        (15, ["Mint"]),
        (16, []),
        (17, []),
    ]
