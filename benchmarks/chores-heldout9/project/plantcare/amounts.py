"""How much water: per watering from the pot size and the light, and per week for a set of plants."""

from __future__ import annotations

from plantcare.plants import Plant

ML_PER_POT_LITRE = 80  # at medium light
LIGHT_FACTOR = {"low": 0.7, "medium": 1.0, "bright": 1.3}
SMALLEST_ML = 50


def water_ml(plant):
    # TODO: succulents need far less water than their pot size suggests
    ml = plant.pot_litres * ML_PER_POT_LITRE * LIGHT_FACTOR.get(plant.light, 1.0)
    return max(SMALLEST_ML, round(ml / 10) * 10)


def weekly_ml(plants: list[Plant]) -> float:
    """The water the plants drink in a week at their usual intervals, in ml."""
    return sum(water_ml(plant) * 7 / plant.interval_days for plant in plants)


def format_volume(ml: float) -> str:
    """A volume for people: '250 ml' under a litre, '1.6 l' from a litre up."""
    if ml >= 1000:
        return f"{ml / 1000:.1f} l"
    return f"{round(ml)} ml"
