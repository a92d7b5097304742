"""Service reminders: when each item of the schedule is next due, and how close the car is to it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from fuelbook.car import ServiceItem

SOON_KM = 1000
SOON_DAYS = 30
STATES = ("overdue", "soon", "ok")


@dataclass(frozen=True)
class Reminder:
    item: ServiceItem
    due_km: int | None
    due_date: date | None
    km_left: int | None
    days_left: int | None
    state: str


def add_months(day, months):
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(item, car):
    """(km, date) when the item is next due; an item never done counts from when the car was bought."""
    start_km = item.last_km if item.last_km is not None else car.bought_km
    start_day = item.last_date if item.last_date is not None else car.bought
    due_km = start_km + item.every_km if item.every_km is not None else None
    due_date = add_months(start_day, item.every_months) if item.every_months is not None else None
    return due_km, due_date


def judge(km_left, days_left):
    """overdue once either limit is passed, soon within SOON_KM or SOON_DAYS of either, else ok."""
    lefts = [(left, soon) for left, soon in ((km_left, SOON_KM), (days_left, SOON_DAYS)) if left is not None]
    if any(left < 0 for left, _ in lefts):
        return "overdue"
    if any(left <= soon for left, soon in lefts):
        return "soon"
    return "ok"


def remind(item, car, odometer, today):
    due_km, due_date = next_due(item, car)
    km_left = due_km - odometer if due_km is not None else None
    days_left = (due_date - today).days if due_date is not None else None
    return Reminder(item, due_km, due_date, km_left, days_left, judge(km_left, days_left))


def worst_first(reminders):
    """Overdue first, then soon, then ok; within a state by the fewest days left, then by name."""

    def key(reminder):
        days = reminder.days_left if reminder.days_left is not None else 10**6
        return STATES.index(reminder.state), days, reminder.item.name

    return sorted(reminders, key=key)


def reminders(car, odometer, today):
    """Every item of the car's schedule as a Reminder, worst first."""
    return worst_first(remind(item, car, odometer, today) for item in car.items)
