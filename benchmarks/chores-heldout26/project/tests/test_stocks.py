import pytest

from filmlog.stocks import format_stops, normalise_stock, push_stops


@pytest.mark.parametrize(
    ("text", "film"),
    [
        ("HP5+", "HP5 Plus"),
        ("Ilford HP5 Plus", "HP5 Plus"),
        ("tri x 400", "Tri-X"),
        ("TX400", "Tri-X"),
        ("Kodak Tri-X", "Tri-X"),
        ("fp4 plus", "FP4 Plus"),
        ("TMY", "T-Max 400"),
        ("delta100", "Delta 100"),
    ],
)
def test_normalise_stock(text, film):
    assert normalise_stock(text) == film


def test_an_unknown_stock_is_an_error():
    with pytest.raises(ValueError, match="unknown film"):
        normalise_stock("Portra 400")


def test_push_and_pull_stops():
    assert push_stops(800, "HP5 Plus") == 1
    assert push_stops(1600, "Tri-X") == 2
    assert push_stops(200, "HP5 Plus") == -1
    assert push_stops(200, "FP4 Plus") == pytest.approx(2 / 3)


def test_format_stops():
    assert [format_stops(s) for s in (0, 1, -1, 2 / 3, 4 / 3)] == ["box", "+1", "-1", "+2/3", "+1 1/3"]
