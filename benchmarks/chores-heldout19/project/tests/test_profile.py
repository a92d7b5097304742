import pytest

from roastlog.profile import development_ratio, dtr_verdict, roast_level, weight_loss


def test_weight_loss_is_a_percentage_to_one_decimal():
    assert weight_loss(250, 212) == 15.2
    assert weight_loss(300, 262) == 12.7


def test_weight_loss_refuses_a_heavier_roast():
    with pytest.raises(ValueError):
        weight_loss(250, 260)


@pytest.mark.parametrize(
    ("loss", "level"),
    [(9.6, "under"), (11.0, "light"), (13.9, "light"), (14.0, "medium"), (16.2, "medium-dark"), (18.0, "dark")],
)
def test_roast_level_bounds(loss, level):
    assert roast_level(loss) == level


def test_development_ratio():
    assert development_ratio(525, 650) == 19.2
    assert development_ratio(None, 650) is None
    with pytest.raises(ValueError):
        development_ratio(700, 650)


def test_dtr_verdict_includes_both_ends():
    assert dtr_verdict(15.0) == "ok"
    assert dtr_verdict(25.0) == "ok"
    assert dtr_verdict(14.9) == "short"
    assert dtr_verdict(25.1) == "long"
    assert dtr_verdict(None) == "no crack"
