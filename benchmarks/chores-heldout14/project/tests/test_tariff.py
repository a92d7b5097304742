import pytest

from meterlog.tariff import DEFAULT_TARIFF, load_tariff, pounds


def test_no_file_gives_the_default_tariff(tmp_path):
    assert load_tariff(None) is DEFAULT_TARIFF
    assert load_tariff(tmp_path / "missing.toml") is DEFAULT_TARIFF


def test_a_file_overrides_only_the_keys_it_has(tmp_path):
    path = tmp_path / "tariff.toml"
    path.write_text('[tariff]\nname = "Go"\nnight_rate = 7.5\n', encoding="utf-8")
    tariff = load_tariff(path)
    assert (tariff.name, tariff.night_rate) == ("Go", 7.5)
    assert tariff.day_rate == DEFAULT_TARIFF.day_rate


def test_unknown_and_negative_keys_are_errors(tmp_path):
    path = tmp_path / "tariff.toml"
    path.write_text("[tariff]\nday_rat = 30\n", encoding="utf-8")
    with pytest.raises(ValueError, match="day_rat"):
        load_tariff(path)
    path.write_text("[tariff]\nexport_rate = -1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="negative"):
        load_tariff(path)


def test_the_shipped_tariff():
    assert load_tariff("data/tariff.toml").day_rate == 28.14


def test_pounds():
    assert pounds(12345.6) == "£123.46"
    assert pounds(-320) == "-£3.20"
    assert pounds(0.2) == "£0.00"
