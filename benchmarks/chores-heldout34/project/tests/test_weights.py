import pytest

from yarnstash.weights import WEIGHTS, parse_weight, weight_rank


@pytest.mark.parametrize(
    ("label", "weight"),
    [("DK", "dk"), ("double knit", "dk"), ("Double Knit ", "dk"), ("8 ply", "dk"), ("4-ply", "fingering"),
     ("Aran", "aran"), ("bulky", "chunky"), ("Sport", "sport")],
)
def test_parse_weight(label, weight):
    assert parse_weight(label) == weight


def test_unknown_weight():
    with pytest.raises(ValueError):
        parse_weight("super thick")


def test_rank_is_thinnest_first():
    assert [weight_rank(w) for w in WEIGHTS] == list(range(len(WEIGHTS)))
    assert weight_rank("lace") < weight_rank("dk") < weight_rank("chunky")
