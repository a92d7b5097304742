"""When each plant needs water: due days, overdue days, and a plan for the days ahead."""

from __future__ import annotations

from datetime import date, timedelta

from plantcare.log import last_watered

# Plants grow slowly in the dark months and dry out more slowly: their intervals stretch by half.
WINTER_MONTHS = (11, 12, 1, 2)
WINTER_STRETCH = 1.5


def season_factor(day):
    # TODO: read the winter months from a config file (the southern hemisphere has them the other way round)
    return WINTER_STRETCH if day.month in WINTER_MONTHS else 1.0


def interval_on(plant, day: date) -> int:
    """The plant's interval in days after a watering on day (stretched in winter, at least one day)."""
    return max(1, round(plant.interval_days * season_factor(day)))


def next_due(plant, last: date) -> date:
    """The day the plant needs water again after it was watered on last."""
    return last + timedelta(days=interval_on(plant, last))


def days_overdue(plant, last, today):
    """Days since the plant fell due on today: 0 on its due day, negative before it."""
    return (today - next_due(plant, last)).days


def due_plants(plants, log, today):
    """(plant, days overdue) of every plant due on or before today, most overdue first.

    Only the waterings up to today count. A plant never watered is due, with None for its days.
    """
    latest = last_watered(watering for watering in log if watering.day <= today)
    due = []
    for plant in plants:
        last = latest.get(plant.name)
        if last is None:
            due.append((plant, None))
            continue
        overdue = days_overdue(plant, last, today)
        if overdue >= 0:
            due.append((plant, overdue))
    return sorted(due, key=lambda item: (item[1] is not None, -(item[1] or 0), item[0].name))


def plan(plants, log, start, days=7):
    """(day, plants to water that day) for each of the days from start, if every plant is watered on time.

    Waterings up to start count; a plant already due on start (or never watered) is down for start itself.
    """
    end = start + timedelta(days=days)
    latest = last_watered(watering for watering in log if watering.day <= start)
    schedule = {start + timedelta(days=offset): [] for offset in range(days)}
    for plant in plants:
        last = latest.get(plant.name)
        due = start if last is None else max(start, next_due(plant, last))
        while due < end:
            schedule[due].append(plant)
            due = next_due(plant, due)
    return sorted(schedule.items())
