from waterlog.volumes import format_volume


def test_format_volume_in_litres_under_a_cubic_metre():
    assert format_volume(286.4) == "286 L"
    assert format_volume(0) == "0 L"


def test_format_volume_in_cubic_metres_from_a_thousand_litres():
    assert format_volume(1000) == "1.00 m³"
    assert format_volume(2069.5) == "2.07 m³"
