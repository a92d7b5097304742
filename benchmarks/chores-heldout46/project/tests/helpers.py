from datetime import date

from spokes.jobs import Job
from spokes.money import Part


def job(number=500, minutes=25, parts=(), concession=False, donation=0, collected=date(2026, 4, 11), mechanic="Mo"):
    return Job(
        number=number,
        booked_in=date(2026, 4, 11),
        bike="Test Bike",
        work="test",
        parts=tuple(Part(name, pence) for name, pence in parts),
        labour_minutes=minutes,
        mechanic=mechanic,
        concession=concession,
        donation=donation,
        collected=collected,
    )
