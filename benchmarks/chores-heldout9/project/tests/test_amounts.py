from plantcare.amounts import water_ml, weekly_ml
from plantcare.plants import Plant


def test_water_goes_by_pot_and_light():
    assert water_ml(Plant("Fern", "Nephrolepis exaltata", "bathroom", 4, 3.0, "low")) == 170
    assert water_ml(Plant("Monstera", "Monstera deliciosa", "living room", 7, 12.0, "medium")) == 960


def test_a_tiny_pot_still_gets_some_water():
    assert water_ml(Plant("Cactus", "Mammillaria", "office", 14, 0.2, "low")) == 50


def test_weekly_ml():
    plants = [Plant("Mint", "Mentha spicata", "kitchen", 7, 1.0), Plant("Aloe", "Aloe vera", "kitchen", 14, 2.0)]
    assert weekly_ml(plants) == 160
