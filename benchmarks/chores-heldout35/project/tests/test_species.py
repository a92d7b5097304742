from forage.species import is_known, normalise_species


def test_aliases():
    assert normalise_species("Porcini") == "cep"
    assert normalise_species(" girolles ") == "chanterelle"
    assert normalise_species("Hen-of-the-woods") == "hen of the woods"


def test_unknown_names_are_kept_lowercase():
    assert normalise_species("Amethyst  Deceiver") == "amethyst deceiver"
    assert not is_known("amethyst deceiver")
    assert is_known("Maitake")
