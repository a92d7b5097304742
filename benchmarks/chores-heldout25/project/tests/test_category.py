import pytest

from bplog.category import classify, counts


@pytest.mark.parametrize(
    ("systolic", "diastolic", "category"),
    [(118, 76, "normal"), (124, 79, "elevated"), (131, 78, "stage 1"), (125, 80, "stage 1"),
     (150, 85, "stage 2"), (138, 92, "stage 2"), (182, 110, "crisis"), (170, 121, "crisis")],
)
def test_classify(systolic, diastolic, category):
    assert classify(systolic, diastolic) == category


def test_counts_lists_every_category():
    found = counts([(118, 76), (150, 85)])
    assert list(found) == ["normal", "elevated", "stage 1", "stage 2", "crisis"]
    assert found["normal"] == 1 and found["stage 2"] == 1 and found["crisis"] == 0
