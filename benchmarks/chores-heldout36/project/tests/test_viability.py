from datetime import date

from seedbox.packets import Packet
from seedbox.viability import count_ratings, judge_all, rate, sow_by

SPRING = date(2026, 4, 1)


def packet(germination=None, crop="tomato", packed=2024, sow=None):
    return Packet("Moneymaker", crop, "saved", packed, sow, None, germination)


def test_ratings_by_germination():
    assert [rate(packet(g), SPRING) for g in (0.9, 0.8, 0.7, 0.6, 0.45, 0.3, 0.1)] == [
        "good", "good", "fair", "fair", "poor", "poor", "compost",
    ]  # fmt: skip


def test_untested_and_retest():
    assert rate(packet(), SPRING) == "untested"
    assert rate(packet(crop="parsnip"), SPRING) == "retest"  # 2024 + 1 year of seed life


def test_a_good_packet_past_its_sow_by_is_only_fair():
    assert rate(packet(0.95, sow=date(2026, 3, 31)), SPRING) == "fair"
    assert rate(packet(0.95, sow=date(2026, 4, 1)), SPRING) == "good"


def test_sow_by_from_the_packed_year_and_seed_life():
    assert sow_by(packet(crop="tomato")) == date(2029, 12, 31)
    assert sow_by(packet(crop="okra")) == date(2027, 12, 31)
    assert sow_by(packet(packed=None)) is None


def test_judge_all_is_worst_first():
    verdicts = judge_all([packet(0.9), packet(0.1), packet()], SPRING)
    assert [v.rating for v in verdicts] == ["compost", "untested", "good"]
    assert count_ratings(verdicts) == {"compost": 1, "untested": 1, "good": 1}
