from datetime import date

from gamenight.attendance import attendance, missing_since, streak_table, week_start, weeks_attended

# TODO: a streak across New Year (week 52 into week 1) has no test yet


def test_week_start_is_monday():
    assert week_start(date(2026, 1, 9)) == date(2026, 1, 5)
    assert week_start(date(2026, 1, 5)) == date(2026, 1, 5)
    assert week_start(date(2026, 1, 11)) == date(2026, 1, 5)


def test_attendance_merges_a_week(play):
    weeks = attendance([play("2026-02-03", Ana=1, Eli=2), play("2026-02-06", Ben=1, Ana=3)])
    assert weeks == {date(2026, 2, 2): {"Ana", "Ben", "Eli"}}
    assert weeks_attended([play("2026-02-03", Ana=1), play("2026-02-06", Ana=3)], "Ana") == 1


def test_streak_table_order(play):
    plays = [play("2026-01-09", Ana=1, Ben=2), play("2026-01-16", Ana=1), play("2026-01-23", Ben=1, Cleo=2)]
    assert streak_table(plays) == [("Ana", 2, 2), ("Ben", 2, 1), ("Cleo", 1, 1)]


def test_missing_since(play):
    plays = [play("2026-01-09", Ana=1, Ben=2), play("2026-03-20", Ana=1, Cleo=2)]
    assert missing_since(plays, date(2026, 3, 27)) == ["Ben"]
