from datetime import date

from spokes.report import format_minutes, mechanic_totals, monthly_takings, shortfalls, takings_for

from tests.helpers import job


def test_format_minutes():
    assert [format_minutes(m) for m in (0, 40, 60, 75)] == ["0 min", "40 min", "1h 00m", "1h 15m"]


def test_mechanic_totals_busiest_first():
    jobs = [job(minutes=40, mechanic="Mo"), job(minutes=25, mechanic="Kaz"), job(minutes=20, mechanic="Kaz")]
    totals = mechanic_totals(jobs)
    assert [(t.name, t.jobs, t.minutes) for t in totals] == [("Kaz", 2, 45), ("Mo", 1, 40)]


def test_monthly_takings_by_the_month_collected():
    jobs = [
        job(minutes=25, parts=[("tube", 450)], donation=700, collected=date(2026, 3, 31)),
        job(minutes=40, donation=300, collected=date(2026, 4, 1)),
        job(minutes=40, collected=None),
    ]
    months = monthly_takings(jobs)
    assert [m.month for m in months] == ["2026-03", "2026-04"]
    assert (months[0].jobs, months[0].parts, months[0].labour, months[0].given) == (1, 450, 200, 700)
    assert months[1].balance == -100


def test_takings_for_an_empty_month():
    assert takings_for([job(collected=date(2026, 4, 2))], "2026-05").jobs == 0


def test_shortfalls_most_short_first():
    jobs = [job(number=1, minutes=25, donation=0), job(number=2, minutes=40, donation=0), job(number=3, donation=900)]
    assert [(j.number, gap) for j, gap in shortfalls(jobs)] == [(2, 400), (1, 200)]
