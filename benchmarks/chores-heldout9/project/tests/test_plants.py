import pytest
from plantcare.plants import Plant, by_room, find_plant, load_plants, parse_row


def row(**fields):
    base = {"name": "Fern", "species": "Nephrolepis exaltata", "room": "bathroom", "interval": "4",
            "pot_litres": "3", "light": "low"}
    base.update(fields)
    return base


def test_parse_row_reads_every_field():
    assert parse_row(row()) == Plant("Fern", "Nephrolepis exaltata", "bathroom", 4, 3.0, "low")


def test_blank_light_is_medium():
    assert parse_row(row(light=" ")).light == "medium"


def test_unknown_light_is_an_error():
    with pytest.raises(ValueError, match="light"):
        parse_row(row(light="dark"))


def test_load_plants_keeps_the_file_order(tmp_path):
    path = tmp_path / "plants.csv"
    path.write_text(
        "name,species,room,interval,pot_litres,light\n"
        "Mint,Mentha spicata,kitchen,3,1,bright\n"
        "Aloe,Aloe vera,kitchen,21,2,bright\n",
        encoding="utf-8",
    )
    assert [plant.name for plant in load_plants(path)] == ["Mint", "Aloe"]


def test_find_plant_ignores_case():
    plants = [parse_row(row()), parse_row(row(name="Mint", room="kitchen"))]
    assert find_plant(plants, "mint").room == "kitchen"
    assert find_plant(plants, "Basil") is None


def test_by_room():
    plants = [parse_row(row()), parse_row(row(name="Mint", room="kitchen")), parse_row(row(name="Orchid"))]
    assert {room: [p.name for p in group] for room, group in by_room(plants).items()} == {
        "bathroom": ["Fern", "Orchid"],
        "kitchen": ["Mint"],
    }
