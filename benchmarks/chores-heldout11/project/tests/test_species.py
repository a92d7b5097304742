from pathlib import Path

import pytest
from birdlog.species import Species, display_name, load_species, parse_species_row, rarest_first

SPECIES_CSV = Path(__file__).parent.parent / "data" / "species.csv"


def test_the_species_list_loads() -> None:
    species = load_species(SPECIES_CSV)
    assert species["WAXW"] == Species("WAXW", "Waxwing", "Bombycilla garrulus", "rare")
    assert species["WAXW"].notable and not species["KING"].notable


def test_an_unknown_rarity_is_refused() -> None:
    with pytest.raises(ValueError, match="scarce"):
        parse_species_row({"code": "ROBI", "common_name": "Robin", "rarity": "scarce"})


def test_display_name_of_a_code_not_in_the_list() -> None:
    species = load_species(SPECIES_CSV)
    assert display_name("robi", species) == "Robin"
    assert display_name("DODO", species) == "DODO (not in the species list)"


def test_rarest_first() -> None:
    species = load_species(SPECIES_CSV)
    assert rarest_first(["ROBI", "HOOP", "KING", "OSPR", "BLAC"], species) == ["HOOP", "OSPR", "KING", "BLAC", "ROBI"]
