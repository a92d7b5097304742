"""The suggested donation for a job: the parts at what they cost us, plus something for the labour."""

from __future__ import annotations

from spokes.jobs import Job

FREE_MINUTES = 15  # a quick fix is free
BLOCK_MINUTES = 15  # after that, labour goes by the quarter hour
BLOCK_PENCE = 200  # £2 for each quarter hour started
LABOUR_CAP_PENCE = 2400  # however long the job took
CONCESSION_DIVISOR = 2  # unwaged, students, under-16s: half the labour (never the parts)
PART_PAID_SHARE = 0.5  # at least half the suggested donation given


def labour_charge(minutes: int, concession: bool = False) -> int:
    """The labour part of a job's suggested donation, in pence."""
    if minutes <= FREE_MINUTES:
        return 0
    blocks = -(-(minutes - FREE_MINUTES) // BLOCK_MINUTES)  # quarter hours started
    pence = min(blocks * BLOCK_PENCE, LABOUR_CAP_PENCE)
    if concession:
        pence //= CONCESSION_DIVISOR
    return pence


def suggested_donation(job: Job) -> int:
    """What we ask for a job, in pence: its parts plus the labour."""
    return job.parts_total + labour_charge(job.labour_minutes, job.concession)


def verdict(job: Job) -> str:
    """``waiting`` for a bike not collected yet, else ``covered``, ``part paid`` or ``short``."""
    if job.waiting:
        return "waiting"
    suggested = suggested_donation(job)
    if job.donation >= suggested:
        return "covered"
    if job.donation >= suggested * PART_PAID_SHARE:
        return "part paid"
    return "short"
