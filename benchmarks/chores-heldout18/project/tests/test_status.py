from datetime import date

from tanklog.readings import Reading
from tanklog.status import assess, latest_by_tank, overview, worst
from tanklog.tanks import Tank


def reading(day=date(2026, 5, 10), tank="T", celsius=25.0, ph=7.0, ammonia=0.0, nitrite=0.0, nitrate=5.0):
    return Reading(day, tank, celsius, ph, ammonia, nitrite, nitrate)


def test_worst():
    assert worst(["ok", "alert", "watch"]) == "alert"
    assert worst([]) == "ok"


def test_assess_ok_and_nitrate_levels():
    assert assess(reading(), "tropical") == ("ok", [])
    assert assess(reading(nitrate=20), "tropical")[0] == "ok"
    assert assess(reading(nitrate=21), "tropical")[0] == "watch"
    assert assess(reading(nitrate=41), "tropical")[0] == "alert"


def test_assess_toxic_and_limits_by_kind():
    level, reasons = assess(reading(ammonia=0.25, celsius=23.0), "tropical")
    assert level == "alert"
    assert reasons == ["temperature 23.0 °C outside 24-28", "ammonia 0.25 ppm"]
    assert assess(reading(ph=7.0), "marine") == ("watch", ["pH 7 outside 8-8.4"])


def test_latest_by_tank_goes_by_date():
    early, late = reading(day=date(2026, 5, 1)), reading(day=date(2026, 5, 9))
    assert latest_by_tank([late, early]) == {"T": late}


def test_overview_worst_first_and_overdue():
    # TODO: a case for two tanks tied on level (names decide)
    tanks = {"A": Tank("A", "tropical", 60.0), "B": Tank("B", "tropical", 60.0), "C": Tank("C", "marine", 90.0)}
    readings = [reading(tank="A"), reading(tank="B", nitrate=30, day=date(2026, 5, 1))]
    rows = overview(tanks, readings, date(2026, 5, 10))
    summary = [(row[0].name, row[2], row[4]) for row in rows]
    assert summary == [("B", "watch", True), ("C", "watch", True), ("A", "ok", False)]
