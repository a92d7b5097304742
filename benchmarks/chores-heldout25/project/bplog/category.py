"""The category of a reading, by the systolic and diastolic thresholds (mmHg)."""

from __future__ import annotations

NORMAL = "normal"
ELEVATED = "elevated"
STAGE_1 = "stage 1"
STAGE_2 = "stage 2"
CRISIS = "crisis"
ORDER = (NORMAL, ELEVATED, STAGE_1, STAGE_2, CRISIS)

CRISIS_SYSTOLIC, CRISIS_DIASTOLIC = 180, 120
STAGE_2_SYSTOLIC, STAGE_2_DIASTOLIC = 140, 90
STAGE_1_SYSTOLIC, STAGE_1_DIASTOLIC = 130, 80
ELEVATED_SYSTOLIC = 120


def classify(systolic: int, diastolic: int) -> str:
    """The category of one reading: the highest one either number reaches."""
    if systolic > CRISIS_SYSTOLIC or diastolic > CRISIS_DIASTOLIC:
        return CRISIS
    if systolic >= STAGE_2_SYSTOLIC or diastolic >= STAGE_2_DIASTOLIC:
        return STAGE_2
    if systolic >= STAGE_1_SYSTOLIC or diastolic >= STAGE_1_DIASTOLIC:
        return STAGE_1
    if systolic >= ELEVATED_SYSTOLIC:  # TODO: elevated should also need the diastolic under 80
        return ELEVATED
    return NORMAL


def counts(pairs):
    """How many readings fall in each category, every category listed."""
    found = {name: 0 for name in ORDER}
    for systolic, diastolic in pairs:
        found[classify(systolic, diastolic)] += 1
    return found
