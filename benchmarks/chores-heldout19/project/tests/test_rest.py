from datetime import date

from roastlog.rest import ready_on, rest_report, rest_status


def test_a_light_roast_rests_a_week(make_roast):
    light = make_roast(green_g=250.0, roasted_g=220.0)  # 12.0% loss
    assert ready_on(light) == date(2026, 3, 8)
    assert rest_status(light, date(2026, 3, 7)) == "resting"
    assert rest_status(light, date(2026, 3, 8)) == "ready"


def test_a_dark_roast_rests_three_days(make_roast):
    dark = make_roast(green_g=250.0, roasted_g=200.0)  # 20.0% loss
    assert ready_on(dark) == date(2026, 3, 4)


def test_an_old_roast_is_stale(make_roast):
    roast = make_roast(green_g=250.0, roasted_g=212.0)
    assert rest_status(roast, date(2026, 5, 1)) == "stale"


def test_report_order_and_future_roasts(make_roast):
    roasts = [
        make_roast("A", date(2026, 3, 1)),
        make_roast("B", date(2026, 3, 20)),
        make_roast("C", date(2026, 1, 5)),
        make_roast("D", date(2026, 3, 25)),
    ]
    rows = rest_report(roasts, date(2026, 3, 22))
    assert [(row.roast.batch, row.status) for row in rows] == [("A", "ready"), ("B", "resting"), ("C", "stale")]
