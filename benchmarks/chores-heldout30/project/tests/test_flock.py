import pytest

from henhouse.flock import canonical_hen


@pytest.mark.parametrize(
    ("name", "hen"),
    [("Marigold", "Marigold"), ("MARIGOLD", "Marigold"), ("Marigold ", "Marigold"), ("Mari", "Marigold"),
     ("pep", "Pepper"), ("Clemmie", "Clementine"), ("Dotty", "Dot")],
)
def test_canonical_hen(name, hen):
    assert canonical_hen(name) == hen


def test_a_stranger_is_an_error():
    with pytest.raises(ValueError):
        canonical_hen("Henrietta")
