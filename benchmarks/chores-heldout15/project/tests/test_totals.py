from clubrides.totals import Total, busiest, for_rider, month_key, monthly_totals, week_key, weekly_totals
from datetime import date


def test_week_key_is_the_iso_week():
    assert week_key(date(2026, 3, 7)) == "2026-W10"


def test_a_sunday_belongs_to_the_week_that_started_on_monday():
    assert week_key(date(2026, 3, 8)) == week_key(date(2026, 3, 2))


def test_month_key():
    assert month_key(date(2026, 4, 30)) == "2026-04"


def test_weekly_totals_add_up_per_rider_and_week(make_ride):
    rides = [
        make_ride("2026-03-02", km=20.0, climb=100, moving=3600),
        make_ride("2026-03-08", km=30.0, climb=200, moving=3600),
        make_ride("2026-03-08", rider="Mara", km=50.0),
        make_ride("2026-03-09", km=10.0),
    ]
    totals = weekly_totals(rides)
    assert [(t.period, t.rider, t.rides) for t in totals] == [
        ("2026-W10", "Mara", 1),
        ("2026-W10", "Priya", 2),
        ("2026-W11", "Priya", 1),
    ]
    priya = totals[1]
    assert (priya.distance_km, priya.elevation_m, priya.moving_s) == (50.0, 300, 7200)


def test_monthly_totals_split_at_the_month_end(make_ride):
    totals = monthly_totals([make_ride("2026-03-31"), make_ride("2026-04-01"), make_ride("2026-04-30")])
    assert [(t.period, t.rides) for t in totals] == [("2026-03", 1), ("2026-04", 2)]


def test_total_speed():
    total = Total("Priya", "2026-03", rides=2, distance_km=50.0, moving_s=7200)
    assert total.speed == 25.0
    assert Total("Priya", "2026-03").speed == 0.0


def test_for_rider_ignores_case(make_ride):
    totals = monthly_totals([make_ride("2026-03-02"), make_ride("2026-03-02", rider="Mara")])
    assert [t.rider for t in for_rider(totals, "mara")] == ["Mara"]


def test_busiest_periods_first(make_ride):
    totals = weekly_totals([make_ride("2026-03-02", km=10.0), make_ride("2026-03-09", km=90.0)])
    assert [t.period for t in busiest(totals, 1)] == ["2026-W11"]


# TODO: a ride on 2026-12-31 is in ISO week 2026-W53; test the turn of the year
