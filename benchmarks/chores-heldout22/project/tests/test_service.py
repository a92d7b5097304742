from datetime import date

from fuelbook.car import Car, ServiceItem, load_car
from fuelbook.service import add_months, judge, reminders

CAR = Car("test car", date(2024, 1, 31), 20000, 50)


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(date(2025, 6, 20), 12) == date(2026, 6, 20)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


def test_judge():
    assert judge(5000, 200) == "ok"
    assert judge(1000, None) == "soon"
    assert judge(None, 30) == "soon"
    assert judge(-1, 300) == "overdue"
    assert judge(4000, -2) == "overdue"


def test_never_done_counts_from_the_purchase():
    car = Car("test car", date(2024, 1, 31), 20000, 50, [ServiceItem("brakes", every_months=24)])
    (reminder,) = reminders(car, 30000, date(2026, 1, 10))
    assert reminder.due_date == date(2026, 1, 31)
    assert (reminder.days_left, reminder.state) == (21, "soon")


def test_worst_first():
    items = [
        ServiceItem("oil", every_km=15000, last_km=25000),
        ServiceItem("mot", every_months=12, last_date=date(2024, 12, 1)),
        ServiceItem("tyres", every_km=10000, last_km=28000),
    ]
    found = reminders(Car("c", date(2024, 1, 1), 20000, 50, items), 37500, date(2026, 1, 1))
    assert [(r.item.name, r.state) for r in found] == [("mot", "overdue"), ("tyres", "soon"), ("oil", "ok")]


def test_the_car_file_reads():
    car = load_car("data/car.toml")
    assert car.bought == date(2023, 5, 12)
    assert [item.name for item in car.items][:2] == ["oil and filter", "tyre rotation"]
    assert car.items[3].last_km is None
